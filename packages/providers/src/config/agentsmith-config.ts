import { parseDuration } from '@agentsmith/kit';
import { z } from 'zod';
import { AgentLlmConfig } from './agent-llm-config.js';
import { COMMAND_NAMES, CURRENT_COMMAND_NAMES, DEFAULT_PIPELINE_NAME } from './command-names.js';
import { SourceConfig, TicketsConfig } from './source-config.js';

const Duration = z
  .string()
  .refine(
    (text) => {
      try {
        return parseDuration(text) > 0;
      } catch {
        return false;
      }
    },
    { message: 'Use a duration such as 90s, 10m or 1h' },
  )
  .describe('A duration such as 90s, 10m or 1h');

/** `projects.<name>.test`: how the test step runs. */
export const TestConfig = z.object({
  /** Shell command; detected from the repository (npm, pytest, go, cargo, …) when absent. */
  command: z.string().min(1).optional().describe('Test command; detected when absent'),
  /** Kills the test run after this long. */
  timeout: Duration.default('10m'),
  /** Times the agent may try to repair failing tests before the step fails. */
  repair_rounds: z.number().int().min(0).max(10).default(2),
});
export type TestConfig = z.infer<typeof TestConfig>;

/** `projects.<name>.webhook`: webhook mode (`agentsmith --server`). */
export const WebhookConfig = z.object({
  /** A GitHub issue labelled with this starts a run. */
  label: z.string().min(1).default('agent-smith'),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

/** `projects.<name>.commit_author`: who the fix commits are by. */
export const CommitAuthorConfig = z.object({
  name: z.string().min(1),
  email: z.string().min(3),
});
export type CommitAuthorConfig = z.infer<typeof CommitAuthorConfig>;

/** One project: its code, its tickets, its LLM and its pipeline (`projects.<name>`). */
export const ProjectConfig = z.object({
  source: SourceConfig,
  tickets: TicketsConfig,
  agent: AgentLlmConfig.prefault({}),
  /** Name of an entry of `pipelines` (`fix-bug` always exists). */
  pipeline: z.string().min(1).default(DEFAULT_PIPELINE_NAME),
  /** Markdown file given to the LLM as rules; relative to the working directory. */
  coding_principles_path: z.string().min(1).default('config/coding-principles.md'),
  /** `required` asks a human (a Question in job mode, a prompt on a terminal) before coding. */
  approval: z.enum(['auto', 'required']).default('auto'),
  test: TestConfig.prefault({}),
  webhook: WebhookConfig.prefault({}),
  /** Identity of the fix commits; else AGENTSMITH_GIT_AUTHOR_NAME/_EMAIL, else "Agent Smith". */
  commit_author: CommitAuthorConfig.optional(),
});
export type ProjectConfig = z.infer<typeof ProjectConfig>;

/** One pipeline step name; an unknown name lists the valid ones. */
export const CommandNameConfig = z.enum(COMMAND_NAMES, {
  error: (issue) =>
    `Unknown command ${JSON.stringify(issue.input)}. Valid commands: ${COMMAND_NAMES.join(', ')}`,
});

/** `pipelines.<name>`: the steps, in order. */
export const PipelineConfig = z.object({
  commands: z.array(CommandNameConfig).min(1),
});
export type PipelineConfig = z.infer<typeof PipelineConfig>;

/** The steps of the built-in `fix-bug` pipeline, used when the file does not define it. */
export const DEFAULT_PIPELINE: PipelineConfig = { commands: [...CURRENT_COMMAND_NAMES] };

const ProjectName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Project names use letters, digits, ".", "_" and "-"');

/** The whole `agentsmith.yml` (snake_case keys, compatible with the reference system's file). */
export const AgentsmithConfig = z.object({
  projects: z.record(ProjectName, ProjectConfig),
  pipelines: z
    .record(z.string().min(1), PipelineConfig)
    .default({})
    .transform((pipelines): Record<string, PipelineConfig> => ({
      [DEFAULT_PIPELINE_NAME]: DEFAULT_PIPELINE,
      ...pipelines,
    })),
  /** Kept for compatibility with reference files; credentials come from the environment. */
  secrets: z.record(z.string(), z.string()).optional(),
});
export type AgentsmithConfig = z.infer<typeof AgentsmithConfig>;
