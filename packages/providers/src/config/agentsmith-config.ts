import { PROJECT_NAME_PATTERN } from '@agentsmith/contracts';
import { z } from 'zod';
import { ProjectAccessConfig } from './access-config.js';
import { AgentLlmConfig } from './agent-llm-config.js';
import { COMMAND_NAMES, CURRENT_COMMAND_NAMES, DEFAULT_PIPELINE_NAME } from './command-names.js';
import { Duration } from './duration-schema.js';
import { EgressConfig } from './egress-config.js';
import { EnvironmentConfig } from './environment-config.js';
import { SourceConfig, TicketsConfig } from './source-config.js';

/** `projects.<name>.test`: how the test step runs. */
const TestConfig = z.object({
  /** The older spelling of `environment.test`; detected from the repository when both are absent. */
  command: z
    .string()
    .min(1)
    .optional()
    .describe('Test command (same as environment.test); detected when absent'),
  /** Kills the test run after this long. */
  timeout: Duration.default('10m'),
  /** Times the agent may try to repair failing tests before the step fails. */
  repair_rounds: z.number().int().min(0).max(10).default(2),
});
type TestConfig = z.infer<typeof TestConfig>;

/** `projects.<name>.webhook`: webhook mode (`agentsmith --server`). */
const WebhookConfig = z.object({
  /** A GitHub issue labelled with this starts a run. */
  label: z.string().min(1).default('agent-smith'),
});
type WebhookConfig = z.infer<typeof WebhookConfig>;

/** `projects.<name>.commit_author`: who the fix commits are by. */
const CommitAuthorConfig = z.object({
  name: z.string().min(1),
  email: z.string().min(3),
});
type CommitAuthorConfig = z.infer<typeof CommitAuthorConfig>;

/** One project: its code, its tickets, its LLM and its pipeline (`projects.<name>`). */
export const ProjectConfig = z
  .object({
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
    /** Image, setup commands, test command and variables of the project's jobs. */
    environment: EnvironmentConfig.prefault({}),
    /** Who may use the dispatcher for this project (on top of its global policy). */
    access: ProjectAccessConfig.optional(),
    /** Hosts the job may reach through the broker's forward proxy; none by default. */
    egress: EgressConfig.prefault({}),
    /** Jobs of this project running at once (dispatcher); more wait in its queue. */
    max_concurrent_jobs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Jobs of this project running at once; default MAX_JOBS_PER_PROJECT'),
  })
  .refine(
    (project) =>
      project.environment.test === undefined ||
      project.test.command === undefined ||
      project.environment.test === project.test.command,
    {
      message:
        'environment.test and test.command name different test commands: keep one (environment.test)',
      path: ['environment', 'test'],
    },
  );
export type ProjectConfig = z.infer<typeof ProjectConfig>;

/** One pipeline step name; an unknown name lists the valid ones. */
const CommandNameConfig = z.enum(COMMAND_NAMES, {
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
  .regex(PROJECT_NAME_PATTERN, 'Project names use letters, digits, ".", "_" and "-"');

/** The whole `agentsmith.yml` (snake_case keys; docs/configuration.md). */
export const AgentsmithConfig = z.object({
  projects: z.record(ProjectName, ProjectConfig),
  pipelines: z
    .record(z.string().min(1), PipelineConfig)
    .default({})
    .transform((pipelines): Record<string, PipelineConfig> => ({
      [DEFAULT_PIPELINE_NAME]: DEFAULT_PIPELINE,
      ...pipelines,
    })),
  /** Read and ignored, so older files still load; credentials come from the environment. */
  secrets: z.record(z.string(), z.string()).optional(),
});
export type AgentsmithConfig = z.infer<typeof AgentsmithConfig>;
