import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobBranchName, type FixTicketIntent } from '@agentsmith/contracts';
import {
  ConfigError,
  parseDuration,
  SecretSanitizer,
  secretValuesFromEnv,
  type Logger,
} from '@agentsmith/kit';
import {
  canonicalLlmProvider,
  canonicalTicketReference,
  createGitHost,
  createTracker,
  type AgentLlmConfig,
  type CloneSource,
  type GitHost,
  type ResolvedProject,
} from '@agentsmith/providers';
import { createGitSourceWorkspace, resolveGitAuthor } from '../git/index.js';
import {
  createModelRegistry,
  loopSettingsFromConfig,
  SessionRecorder,
  UsageTracker,
  withModelSession,
  type ModelSession,
  type ModelSet,
  type SessionReplayer,
} from '../llm/index.js';
import { createProjectEnvironment, createTestRunner } from '../test-runner/index.js';
import type { RunContext } from '../pipeline/run-context.js';
import type { ProgressReporter } from '../progress/progress-reporter.js';
import { brokerAccess } from './broker-access.js';
import { createLlmCodingAgent } from './llm-coding-agent.js';
import { resolvePrinciplesPath } from './resolve-principles-path.js';
import { gitTokenVariable } from './git-token-variable.js';
import { sanitizedGitHost, sanitizedTracker } from './sanitized-writes.js';

export interface BuildRunContextInput {
  intent: FixTicketIntent;
  resolved: ResolvedProject;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  reporter: ProgressReporter;
  /** `--record FILE` or `--replay FILE` (the replayer already loaded). */
  session?: RunSessionOption;
}

/** How the run's model session is recorded or replayed. */
export type RunSessionOption =
  { mode: 'record'; file: string } | { mode: 'replay'; replayer: SessionReplayer };

/** Seconds a required approval waits in job mode before taking the default. */
const APPROVAL_TIMEOUT_SECONDS = 15 * 60;

/**
 * Wires one run: the project's tracker, git host, working copy, LLM and test runner behind the
 * steps' ports. Credentials come from `env` only; a missing LLM key stops here, before any work.
 */
export function buildRunContext(input: BuildRunContextInput): Promise<RunContext> {
  const { resolved, env, logger, intent } = input;
  const { project } = resolved;
  const options = { logger, baseDir: process.cwd() };
  // Job mode: every provider call goes through the dispatcher's broker with the job token.
  const brokered = brokerAccess(env, resolved.name, project.agent);
  const providerEnv = brokered?.providerEnv ?? env;
  // Whatever leaves for the git host and the tracker is scrubbed of every secret this run knows.
  const sanitizer = new SecretSanitizer(secretValuesFromEnv({ ...env, ...providerEnv }));
  const tracker = sanitizedTracker(createTracker(project.tickets, providerEnv, options), sanitizer);
  const gitHost = sanitizedGitHost(
    withCloneUrl(
      createGitHost(project.source, providerEnv, options),
      providerEnv['AGENTSMITH_CLONE_URL'],
      brokered?.gitCredentials,
    ),
    sanitizer,
  );
  const workRoot = env['AGENTSMITH_WORKDIR'] || join(tmpdir(), 'agentsmith');
  const source = createGitSourceWorkspace({
    gitHost,
    directory: join(
      workRoot,
      resolved.name,
      canonicalTicketReference(project.tickets, intent.ticketId),
    ),
    env,
    author: resolveGitAuthor(project.commit_author, env),
    tokenVariable: gitTokenVariable(project.source, brokered !== undefined),
    logger,
    sanitizer,
  });
  const { environment } = project;
  const testCommand = environment.test ?? project.test.command;
  const timeoutMs = parseDuration(project.test.timeout);
  const usage = new UsageTracker(project.agent.pricing.models);
  const models = modelsForRun(input, brokered?.llm);
  const coder = createLlmCodingAgent({
    models,
    loop: loopSettingsFromConfig(project.agent, models.primary, {
      brokered: brokered !== undefined,
    }),
    usage,
    commandEnvironment: env,
    // Only a spawned job sits behind the broker's proxy; a plain CLI run has the machine's network.
    ...(brokered ? { egressAllow: project.egress.allow } : {}),
    logger,
  });
  return Promise.resolve({
    intent,
    settings: {
      projectName: resolved.name,
      approval: project.approval,
      approvalTimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
      codingPrinciplesPath: resolvePrinciplesPath(project.coding_principles_path),
      testRepairRounds: project.test.repair_rounds,
      branch: jobBranchName(canonicalTicketReference(project.tickets, intent.ticketId)),
      completedState: project.tickets.completed_state,
    },
    tracker,
    gitHost,
    source,
    coder,
    tests: createTestRunner({
      command: testCommand,
      timeoutMs,
      env,
      variables: environment.env,
      logger,
    }),
    environment: createProjectEnvironment({
      setup: environment.setup,
      test: testCommand,
      variables: environment.env,
      timeoutMs,
      env,
      logger,
    }),
    reporter: input.reporter,
    logger,
    state: {},
  });
}

/**
 * The run's models: the configured provider's, recorded when `--record` is given; with `--replay`
 * the recording answers instead and no API key is needed (the provider is never reached).
 */
function modelsForRun(
  input: BuildRunContextInput,
  brokeredLlm: { apiKey?: string; baseUrlOverride?: string } | undefined,
): ModelSet {
  const { resolved, env, session, intent } = input;
  const config = resolved.project.agent;
  if (session?.mode === 'replay') {
    const models = createModelRegistry({
      config,
      apiKey: 'replay-without-a-key',
      fetch: () => Promise.reject(new Error('A replayed run never calls the model API.')),
    });
    const { header } = session.replayer.recording;
    if (header.model !== models.primary.modelId || header.provider !== models.primary.provider) {
      throw new ConfigError(
        `The recording was made with ${header.model} (${header.provider}); project ${resolved.name} uses ${models.primary.modelId} (${models.primary.provider}). Set agent.type and agent.model to the recording's.`,
        [`agent.model: ${models.primary.modelId} (the recording's model is ${header.model})`],
      );
    }
    return withModelSession(models, { mode: 'replay', replayer: session.replayer });
  }
  const models = createModelRegistry({
    config,
    ...(brokeredLlm ?? llmCredentials(config, env)),
  });
  if (session?.mode !== 'record') return models;
  const recorder = SessionRecorder.create({
    file: session.file,
    provider: models.primary.provider,
    model: models.primary.modelId,
    project: resolved.name,
    ticket: intent.ticketId,
    secrets: [...secretValuesFromEnv(env), brokeredLlm?.apiKey],
  });
  const recording: ModelSession = { mode: 'record', recorder };
  return withModelSession(models, recording);
}

/**
 * `AGENTSMITH_CLONE_URL` clones from another URL than the host's (the broker in job mode, a
 * mirror, or a local bare repository in tests) while the API calls still go to the host; the
 * host's credentials stay, and `credentials` stand in where the host has none (a local source
 * served by the broker).
 */
function withCloneUrl(
  gitHost: GitHost,
  cloneUrl: string | undefined,
  credentials: CloneSource['credentials'],
): GitHost {
  if (!cloneUrl) return gitHost;
  return {
    type: gitHost.type,
    cloneSource: () => {
      const source = gitHost.cloneSource();
      const login = source.credentials ?? credentials;
      return { ...source, url: cloneUrl, ...(login ? { credentials: login } : {}) };
    },
    findDefaultBranch: (options) => gitHost.findDefaultBranch(options),
    ensurePullRequest: (input, options) => gitHost.ensurePullRequest(input, options),
  };
}

/** The API key and base-URL override of the project's LLM provider, from the environment. */
export function llmCredentials(
  agent: AgentLlmConfig,
  env: NodeJS.ProcessEnv,
): { apiKey?: string; baseUrlOverride?: string } {
  const provider = canonicalLlmProvider(agent.type);
  const keyVariable = {
    anthropic: 'ANTHROPIC_API_KEY',
    openai: 'OPENAI_API_KEY',
    google: 'GEMINI_API_KEY',
    'openai-compatible': 'OPENAI_API_KEY',
  }[provider];
  const apiKey =
    env[keyVariable] || (provider === 'google' ? env['GOOGLE_GENERATIVE_AI_API_KEY'] : undefined);
  if (!apiKey && provider !== 'openai-compatible') {
    throw new ConfigError(
      `${keyVariable} is not set: the project's agent (type ${agent.type}) needs it.`,
      [`environment: ${keyVariable} is not set (agent.type ${agent.type})`],
    );
  }
  const baseVariable =
    provider === 'anthropic'
      ? 'ANTHROPIC_BASE_URL'
      : provider === 'google'
        ? undefined
        : 'OPENAI_BASE_URL';
  const baseUrlOverride = baseVariable ? env[baseVariable] || undefined : undefined;
  return { ...(apiKey ? { apiKey } : {}), ...(baseUrlOverride ? { baseUrlOverride } : {}) };
}
