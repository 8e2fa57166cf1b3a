import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BUILT_IN_PRICING,
  llmCallCost,
  type LlmTokenCounts,
  type ProjectConfig,
} from '@agentsmith/providers';
import type { BrokerContext } from './broker-context.js';
import { readBody, relayResponse, upstreamHeaders } from './http-relay.js';
import { budgetExhaustedError, providerError } from './llm-errors.js';
import { budgetExhaustion, type JobScope } from './job-scope.js';
import { UsageScanner } from './llm-usage.js';
import { llmUpstream } from './upstreams.js';

/**
 * The inference endpoints of each provider, the only ones a job may call: the real key also opens
 * files, batches, fine-tuning and administration, none of which a job needs or the ledger counts.
 */
const INFERENCE_PATHS: Record<string, RegExp> = {
  anthropic: /^\/messages(\/count_tokens)?$/,
  openai: /^\/(chat\/completions|responses)$/,
  google: /^\/models\/[\w.-]+:(generateContent|streamGenerateContent|countTokens)$/,
  'openai-compatible': /^\/(chat\/completions|completions|responses)$/,
};

/** The model a call names: in the body (Anthropic, OpenAI) or the path (Gemini `models/<id>:…`). */
function modelOf(path: string, body: Buffer): string {
  const fromPath = path.match(/models\/([^/:]+)/)?.[1];
  if (fromPath) return decodeURIComponent(fromPath);
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { model?: unknown };
    return typeof parsed.model === 'string' ? parsed.model : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * `/llm/<provider>/<path>`: checks the job's budget, swaps the job token for the real key in the
 * provider's own header, forwards to the configured endpoint, streams the answer back as it
 * arrives and adds the usage it reported to the job's ledger.
 */
export async function proxyLlm(
  context: BrokerContext,
  scope: JobScope,
  request: IncomingMessage,
  response: ServerResponse,
  route: { provider: string; path: string; search: URLSearchParams },
): Promise<void> {
  const { provider } = route;
  if (provider !== scope.llm.provider) {
    throw providerError(
      provider,
      403,
      'permission_error',
      `This job may only use its project's LLM provider (${scope.llm.provider}), not ${provider}.`,
    );
  }
  if (request.method !== 'POST' || !INFERENCE_PATHS[provider]?.test(route.path)) {
    throw providerError(
      provider,
      403,
      'permission_error',
      `Agent Smith broker: ${request.method ?? 'GET'} ${route.path} is not an inference call this job may make.`,
    );
  }
  const spent = budgetExhaustion(scope, await context.store.ledger(scope.jobId));
  if (spent) throw budgetExhaustedError(provider, spent, scope.project);
  const project = await context.loadProject(scope.project);
  if (!project)
    throw providerError(
      provider,
      503,
      'api_error',
      `Project ${scope.project} is no longer configured.`,
    );
  const upstream = llmUpstream(provider, project, context.credentials);
  if ('missing' in upstream) {
    throw providerError(
      provider,
      503,
      'api_error',
      `The dispatcher has no ${upstream.missing}; ask an operator.`,
    );
  }
  const body = await readBody(request);
  const search = new URLSearchParams(route.search);
  search.delete('key');
  const query = search.size > 0 ? `?${search.toString()}` : '';
  const target = `${upstream.baseUrl}${route.path}${query}`;
  let answer: Response;
  try {
    answer = await (context.fetch ?? fetch)(target, {
      method: request.method ?? 'POST',
      headers: upstreamHeaders(request.headers, upstream.headers),
      body,
      redirect: 'manual',
    });
  } catch (error) {
    throw providerError(
      provider,
      502,
      'api_error',
      `The LLM endpoint is unreachable: ${(error as Error).message}`,
    );
  }
  const scanner = new UsageScanner(answer.headers.get('content-type') ?? undefined);
  try {
    await relayResponse(answer, response, (chunk) => scanner.push(chunk), true);
  } finally {
    // Whatever usage was seen is billed, also when the stream broke off.
    await recordUsage(context, scope, project, route.path, body, scanner.finish());
  }
}

async function recordUsage(
  context: BrokerContext,
  scope: JobScope,
  project: ProjectConfig,
  path: string,
  body: Buffer,
  usage: LlmTokenCounts | undefined,
): Promise<void> {
  if (!usage) return;
  const modelId = modelOf(path, body);
  const pricing = { ...BUILT_IN_PRICING, ...project.agent.pricing.models };
  const ledger = await context.store.record(
    scope.jobId,
    { ...usage, costUsd: llmCallCost(modelId, usage, pricing) },
    scope.expiresAt,
  );
  context.logger.debug({ jobId: scope.jobId, modelId, usage, ledger }, 'LLM call recorded');
}
