import { AppError } from '@agentsmith/kit';
import { generateText, NoObjectGeneratedError, Output } from 'ai';
import { z } from 'zod';
import { withLlmRetry, type LlmRetryOptions, type LlmRetryNotice } from './llm-retry.js';
import { tokenUsage } from './model-call.js';
import type { ModelSet } from './model-registry.js';
import { DEFAULT_LLM_REQUEST_TIMEOUT_MS, withRequestTimeout } from './request-timeout.js';
import type { UsageTracker } from './usage-tracker.js';

/** The structured plan the planning model returns before any code changes. */
export const Plan = z.object({
  /** One or two sentences: the cause and the intended fix. */
  summary: z.string().min(1),
  /** Ordered, concrete steps. */
  steps: z.array(z.string().min(1)).min(1),
  /** Repository-relative paths expected to change. */
  filesToTouch: z.array(z.string()),
});
export type Plan = z.infer<typeof Plan>;

/** Shared by the non-loop LLM calls (plan, analysis). */
export interface LlmCallOptions {
  models: ModelSet;
  signal?: AbortSignal;
  usage?: UsageTracker;
  /** Step name recorded with usage. */
  step?: string;
  retry: LlmRetryOptions;
  onRetry?: (notice: LlmRetryNotice) => void;
  /** Limit for each request; default {@link DEFAULT_LLM_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
}

/** What the planner is told. */
export interface PlanInput {
  ticketTitle: string;
  ticketBody: string;
  /** Output of {@link analyzeCode} or other repository context. */
  analysis?: string;
  codingPrinciples?: string;
}

const PLAN_INSTRUCTIONS =
  'You plan a minimal, correct fix for a ticket in a software repository. Answer with the plan only: ' +
  'a short summary, ordered concrete steps, and the repository-relative files to change. ' +
  'Do not invent files you have no evidence for.';

/**
 * Asks the planning model for a {@link Plan} as structured output (JSON schema), validated with zod.
 * An answer that does not match the schema is an `llm_invalid_response` error.
 */
export async function generatePlan(input: PlanInput, options: LlmCallOptions): Promise<Plan> {
  const planning = options.models.planning;
  const signal = options.signal ?? new AbortController().signal;
  const prompt = [
    `Ticket: ${input.ticketTitle}`,
    input.ticketBody,
    input.analysis ? `\nRepository analysis:\n${input.analysis}` : '',
    input.codingPrinciples ? `\nCoding principles:\n${input.codingPrinciples}` : '',
  ].join('\n');
  try {
    const result = await withLlmRetry(
      () =>
        withRequestTimeout(
          signal,
          options.requestTimeoutMs ?? DEFAULT_LLM_REQUEST_TIMEOUT_MS,
          (abortSignal) =>
            generateText({
              model: planning.model,
              instructions: PLAN_INSTRUCTIONS,
              prompt,
              output: Output.object({ schema: Plan, name: 'plan' }),
              maxOutputTokens: planning.maxTokens,
              abortSignal,
              maxRetries: 0,
            }),
        ),
      { policy: options.retry, signal, onRetry: options.onRetry },
    );
    options.usage?.record(planning.modelId, options.step ?? 'plan', tokenUsage(result.usage));
    return Plan.parse(result.output);
  } catch (error) {
    if (NoObjectGeneratedError.isInstance(error) || error instanceof z.ZodError) {
      throw new AppError('llm_invalid_response', 'The planning model did not return a valid plan', {
        cause: error,
        retryable: true,
      });
    }
    throw error;
  }
}
