import type { ModelMessage, ToolResultPart } from 'ai';
import type { AgentEvent } from './agent-loop-types.js';
import type { ModelToolCall } from './model-call.js';
import {
  executeTool,
  type AgentTool,
  type ToolContext,
  type ToolOutput,
} from './tools/define-tool.js';

const EVENT_OUTPUT_LIMIT = 2000;

/** Results of one turn's tool calls, plus the finish summary when `finish` was called. */
export interface ToolTurn {
  message: ModelMessage;
  finishSummary: string | undefined;
  /** A tool ended the loop without a finish. */
  stop?: 'plan-rejected' | undefined;
}

/**
 * Runs the model's tool calls in order. Unknown tools and unparsable arguments become tool
 * errors the model reads next turn; nothing here ends the run except cancellation.
 */
export async function runToolCalls(
  calls: ModelToolCall[],
  tools: readonly AgentTool[],
  context: ToolContext,
  iteration: number,
  emit: (event: AgentEvent) => void,
): Promise<ToolTurn> {
  const parts: ToolResultPart[] = [];
  let finishSummary: string | undefined;
  let stop: ToolTurn['stop'];
  for (const call of calls) {
    emit({
      type: 'tool-call',
      iteration,
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      input: call.input,
    });
    const result = await runOne(call, tools, context);
    if (result.finishSummary !== undefined) finishSummary = result.finishSummary;
    if (result.stop !== undefined) stop = result.stop;
    emit({
      type: 'tool-result',
      iteration,
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      isError: result.isError === true,
      output: result.output.slice(0, EVENT_OUTPUT_LIMIT),
    });
    parts.push({
      type: 'tool-result',
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: { type: result.isError === true ? 'error-text' : 'text', value: result.output },
    });
  }
  return { message: { role: 'tool', content: parts }, finishSummary, stop };
}

async function runOne(
  call: ModelToolCall,
  tools: readonly AgentTool[],
  context: ToolContext,
): Promise<ToolOutput> {
  const tool = tools.find((candidate) => candidate.name === call.toolName);
  if (!tool) {
    const names = tools.map((candidate) => candidate.name).join(', ');
    return { output: `Unknown tool "${call.toolName}". Available tools: ${names}.`, isError: true };
  }
  if (call.invalidReason !== undefined) {
    return {
      output: `Invalid arguments for ${call.toolName}: ${call.invalidReason}. Send a JSON object matching the tool's schema.`,
      isError: true,
    };
  }
  return executeTool(tool, call.input, context);
}
