/** The pipeline steps the agent knows, in the order of the default `fix-bug` pipeline. */
export const COMMAND_NAMES = [
  'FetchTicketCommand',
  'CheckoutSourceCommand',
  'LoadCodingPrinciplesCommand',
  'AnalyzeCodeCommand',
  'GeneratePlanCommand',
  'ApprovalCommand',
  'AgenticExecuteCommand',
  'TestCommand',
  'CommitAndPRCommand',
] as const;

/** One of {@link COMMAND_NAMES}. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Name of the pipeline every config has even when it does not declare it. */
export const DEFAULT_PIPELINE_NAME = 'fix-bug';
