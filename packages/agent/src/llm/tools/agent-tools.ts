import { jsonSchema, type ToolSet } from 'ai';
import { z } from 'zod';
import type { AgentTool } from './define-tool.js';
import { editFileTool } from './edit-file.js';
import { finishTool } from './finish.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import { runCommandTool } from './run-command.js';
import { searchFilesTool } from './search-files.js';
import { submitPlanTool } from './submit-plan.js';
import { writeFileTool } from './write-file.js';

/** Every tool of the coding loop, by name. */
export const AGENT_TOOLS: readonly AgentTool[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  listFilesTool,
  searchFilesTool,
  runCommandTool,
  finishTool,
] as AgentTool[];

/** The tools of a run that must submit its plan for approval first. */
export const AGENT_TOOLS_WITH_PLAN: readonly AgentTool[] = [
  ...AGENT_TOOLS.slice(0, -1),
  submitPlanTool,
  AGENT_TOOLS.at(-1) as AgentTool,
];

/**
 * The tools as the SDK sends them: JSON schemas without SDK-side validation and without
 * `execute`, so the loop validates and runs them itself and invalid input becomes a tool error.
 * `lastToolProviderOptions` goes on the last tool (Anthropic caches everything up to it).
 */
export function toSdkTools(
  tools: readonly AgentTool[],
  lastToolProviderOptions?: Record<string, Record<string, unknown>>,
): ToolSet {
  const entries = tools.map((tool, index) => [
    tool.name,
    {
      description: tool.description,
      inputSchema: jsonSchema(
        z.toJSONSchema(tool.input, { io: 'input' }) as Parameters<typeof jsonSchema>[0],
      ),
      ...(index === tools.length - 1 &&
        lastToolProviderOptions && { providerOptions: lastToolProviderOptions }),
    },
  ]);
  return Object.fromEntries(entries) as ToolSet;
}
