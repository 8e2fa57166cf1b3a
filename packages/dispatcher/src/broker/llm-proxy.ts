import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  agentModelIds,
  BUILT_IN_PRICING,
  findPricing,
  llmCallCost,
  type LlmTokenCounts,
  type ProjectConfig,
} from '@agentsmith/providers';
import type { BrokerContext } from './broker-context.js';
import { readBody, relayResponse, upstreamHeaders } from './http-relay.js';
import { checkJobBudget } from './budget-gate.js';
import { providerError } from './llm-errors.js';
import type { JobScope } from './job-scope.js';
import { takeLlmSlot } from './llm-in-flight.js';
import { jsonBody, refusedFeature, withStreamedUsage } from './llm-request-checks.js';
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
  const project = await context.loadProject(scope.project);
  if (!project)
    throw providerError(
      provider,
      503,
      'api_error',
      `Project ${scope.project} is no longer configured.`,
    );
  await checkJobBudget(context, scope, project, provider, Date.now());
  const upstream = llmUpstream(provider, project, context.credentials);
  if ('missing' in upstream) {
    throw providerError(
      provider,
      503,
      'api_error',
      `The dispatcher has no ${upstream.missing}; ask an operator.`,
    );
  }
  const release = takeLlmSlot(scope.jobId);
  if (!release) {
    throw providerError(
      provider,
      429,
      'rate_limit_error',
      'Agent Smith broker: this job already has its maximum of LLM calls in flight; retry when one has finished.',
      { 'retry-after': '1' },
    );
  }
  try {
    await forward(context, scope, project, upstream, request, response, route);
  } finally {
    release();
  }
}

async function forward(
  context: BrokerContext,
  scope: JobScope,
  project: ProjectConfig,
  upstream: { baseUrl: string; headers: Record<string, string> },
  request: IncomingMessage,
  response: ServerResponse,
  route: { provider: string; path: string; search: URLSearchParams },
): Promise<void> {
  const { provider } = route;
  const received = await readBody(request);
  const parsed = jsonBody(received);
  const refused = refusedFeature(provider, parsed);
  if (refused) {
    throw providerError(
      provider,
      400,
      'invalid_request_error',
      `Agent Smith broker: this job may not use ${refused}; they act outside the job's sandbox.`,
    );
  }
  const modelId = modelOf(route.path, received);
  checkModel(scope, project, provider, modelId);
  const body = withStreamedUsage(route.path, parsed) ?? received;
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
    // The fetch error can quote the URL or headers it was given; the agent gets a fixed text.
    context.logger.warn(
      { jobId: scope.jobId, provider, error: (error as Error).message },
      'LLM endpoint unreachable',
    );
    throw providerError(
      provider,
      502,
      'api_error',
      'Agent Smith broker: the LLM endpoint is unreachable; the dispatcher log has the cause.',
    );
  }
  const scanner = new UsageScanner(answer.headers.get('content-type') ?? undefined);
  try {
    await relayResponse(answer, response, (chunk) => scanner.push(chunk), true);
  } finally {
    // Whatever usage was seen is billed, also when the stream broke off.
    const usage = scanner.finish();
    if (usage || (answer.ok && !/count_?tokens/i.test(route.path))) {
      await recordUsage(context, scope, project, modelId, usage);
    }
  }
}

/**
 * Refuses a model the project's agent does not use (when the job names one), and an unpriced model
 * under a dollar budget alone: its calls would cost the ledger nothing and never reach the cap.
 */
function checkModel(
  scope: JobScope,
  project: ProjectConfig,
  provider: string,
  modelId: string,
): void {
  if (scope.llm.model !== undefined) {
    const allowed = agentModelIds(project.agent).add(scope.llm.model);
    if (!allowed.has(modelId)) {
      throw providerError(
        provider,
        403,
        'permission_error',
        `Agent Smith broker: this job may only use the models of project ${scope.project} ` +
          `(${[...allowed].join(', ')}), not ${modelId}.`,
      );
    }
  }
  const pricing = { ...BUILT_IN_PRICING, ...project.agent.pricing.models };
  const { usd, tokens } = scope.budget;
  if (usd !== undefined && tokens === undefined && !findPricing(modelId, pricing)) {
    throw providerError(
      provider,
      400,
      'invalid_request_error',
      `Agent Smith broker: model ${modelId} has no price, so the job's $${usd.toFixed(2)} budget ` +
        `cannot bound it. Add a price in agent.pricing.models.${modelId} (input_per_million, ` +
        `output_per_million) of project ${scope.project}, or set agent.budget.tokens.`,
    );
  }
}

async function recordUsage(
  context: BrokerContext,
  scope: JobScope,
  project: ProjectConfig,
  modelId: string,
  usage: LlmTokenCounts | undefined,
): Promise<void> {
  const pricing = { ...BUILT_IN_PRICING, ...project.agent.pricing.models };
  // An answer without usage still counts, as an unpriced call the final card shows.
  const entry = usage
    ? { ...usage, costUsd: llmCallCost(modelId, usage, pricing) }
    : { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, costUsd: undefined };
  const ledger = await context.store.record(scope.jobId, entry, scope.expiresAt, {
    project: scope.project,
    at: Date.now(),
  });
  context.logger.debug({ jobId: scope.jobId, modelId, usage, ledger }, 'LLM call recorded');
}
