/** The pipeline steps the agent knows: the steps of the default `fix-bug` pipeline, in order. */
export const CURRENT_COMMAND_NAMES = [
  'FetchTicketCommand',
  'CheckoutSourceCommand',
  'LoadCodingPrinciplesCommand',
  'BaselineTestCommand',
  'AgenticExecuteCommand',
  'TestCommand',
  'CommitAndPRCommand',
] as const;

/**
 * Step names of earlier pipelines, still accepted in configurations. The agent maps them
 * (docs/agent.md): `AnalyzeCodeCommand` runs the baseline tests (the loop explores the code
 * itself); `GeneratePlanCommand` and `ApprovalCommand` are dropped, because the loop plans from the
 * code it has read and, with `approval: required`, submits that plan from inside the loop.
 */
export const LEGACY_COMMAND_NAMES = [
  'AnalyzeCodeCommand',
  'GeneratePlanCommand',
  'ApprovalCommand',
] as const;

/** Every step name a configuration may use. */
export const COMMAND_NAMES = [...CURRENT_COMMAND_NAMES, ...LEGACY_COMMAND_NAMES] as const;

/** One of {@link COMMAND_NAMES}. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Name of the pipeline every config has even when it does not declare it. */
export const DEFAULT_PIPELINE_NAME = 'fix-bug';
