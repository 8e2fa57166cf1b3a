import { formatZodIssues } from '@agentsmith/kit';
import type { z } from 'zod';
import type { FinishGate } from '../finish-gate.js';
import type { ReadCache } from './read-cache.js';
import type { Workspace } from './workspace.js';

/** What every tool's `execute` receives besides its input. */
export interface ToolContext {
  workspace: Workspace;
  signal: AbortSignal;
  readCache: ReadCache;
  /** Environment for `run_command` (already scrubbed of credentials). */
  commandEnvironment: NodeJS.ProcessEnv;
  /** Default and maximum time of one `run_command`. */
  commandTimeoutMs: number;
  /** Plan approval (`approval: required`): edits wait until `approved`. */
  plan?: PlanApproval;
  /** Reviews a `finish` call (tests, scratch files, touched tests); absent: finish is accepted. */
  finishGate?: FinishGate;
}

/** A human's answer to a submitted plan. */
export type PlanDecision = { approved: true } | { approved: false; reason: string };

/** The loop's plan-approval state, shared by `submit_plan` and the editing tools. */
export interface PlanApproval {
  required: boolean;
  approved: boolean;
  /** The approved plan's text. */
  text?: string;
  submit(plan: string): Promise<PlanDecision>;
}

/** A tool's answer; `isError` marks a failure the model should see and react to. */
export interface ToolOutput {
  output: string;
  isError?: boolean;
  /** Set by `finish`: ends the loop with this summary. */
  finishSummary?: string;
  /** Ends the loop without a finish (the plan was rejected). */
  stop?: 'plan-rejected';
}

/** One agent tool: a name, a description for the model, a zod input schema and the work. */
export interface AgentTool<Input = unknown> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  execute(input: Input, context: ToolContext): Promise<ToolOutput>;
}

/** Declares a tool; the input is validated before `execute` runs. */
export function defineTool<Input>(tool: AgentTool<Input>): AgentTool<Input> {
  return tool;
}

/**
 * Validates `raw` against the tool's schema and runs it. Invalid input and expected failures
 * become tool errors the model sees; only cancellation propagates.
 */
export async function executeTool(
  tool: AgentTool,
  raw: unknown,
  context: ToolContext,
): Promise<ToolOutput> {
  const parsed = tool.input.safeParse(raw);
  if (!parsed.success) {
    return {
      output: `Invalid arguments for ${tool.name}: ${formatZodIssues(parsed.error).join('; ')}`,
      isError: true,
    };
  }
  try {
    return await tool.execute(parsed.data, context);
  } catch (error) {
    if (context.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { output: `${tool.name} failed: ${message}`, isError: true };
  }
}
