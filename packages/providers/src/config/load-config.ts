import { readFile } from 'node:fs/promises';
import type { AgentConfigSource } from '@agentsmith/contracts';
import { ConfigError, expandEnv, formatZodIssues } from '@agentsmith/kit';
import { parseDocument } from 'yaml';
import { AgentsmithConfig } from './agentsmith-config.js';
import { DEFAULT_PIPELINE_NAME } from './command-names.js';
import { findUnknownKeys } from './unknown-keys.js';

/** Options of {@link loadConfig} and {@link parseConfig}. */
export interface LoadConfigOptions {
  /** Receives non-fatal findings: unknown keys, unset variables in the unused `secrets` block. */
  warn?: (message: string) => void;
}

/**
 * Reads, expands and validates `agentsmith.yml`. Every problem (YAML syntax with line numbers,
 * unset `${VAR}`s, schema violations, unknown pipeline references) is reported at once in one
 * {@link ConfigError} whose `problems` each start with their path.
 */
export async function loadConfig(
  path: string,
  env: NodeJS.ProcessEnv,
  options: LoadConfigOptions = {},
): Promise<AgentsmithConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'unreadable';
    throw new ConfigError(`Configuration file ${reason}: ${path}`, [`${path}: file ${reason}`]);
  }
  return parseConfig(text, env, path, options);
}

/** {@link loadConfig} for a file, {@link parseConfig} for text a spawner set in the environment. */
export async function loadConfigFrom(
  from: AgentConfigSource,
  env: NodeJS.ProcessEnv,
  options: LoadConfigOptions = {},
): Promise<AgentsmithConfig> {
  return 'path' in from
    ? loadConfig(from.path, env, options)
    : parseConfig(from.text, env, from.source, options);
}

/** Like {@link loadConfig} for text already in memory; `source` names it in messages. */
export function parseConfig(
  text: string,
  env: NodeJS.ProcessEnv,
  source = 'agentsmith.yml',
  options: LoadConfigOptions = {},
): AgentsmithConfig {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const where = error.linePos?.[0];
      const location = where ? `${source}:${where.line}:${where.col}` : source;
      const message = (error.message.split('\n')[0] ?? '').replace(
        / at line \d+, column \d+:?$/,
        '',
      );
      return `${location}: ${message}`;
    });
    throw invalid(source, problems);
  }
  const raw: unknown = document.toJS();
  if (raw === null || raw === undefined) {
    throw invalid(source, [`${source}: the file is empty; it needs at least a projects: map`]);
  }

  const problems: string[] = [];
  const expanded = expandStrings(normalizeTypes(raw), env, [], problems, options.warn);
  problems.push(...pipelineReferenceProblems(expanded));
  const parsed = AgentsmithConfig.safeParse(expanded);
  if (!parsed.success) problems.push(...formatZodIssues(parsed.error, expanded));
  if (problems.length > 0 || !parsed.success) throw invalid(source, problems);
  for (const key of findUnknownKeys(AgentsmithConfig, expanded)) {
    options.warn?.(`${key}: unknown key, ignored`);
  }
  return parsed.data;
}

function invalid(source: string, problems: string[]): ConfigError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new ConfigError(
    `Invalid configuration ${source} (${count}):\n  ${problems.join('\n  ')}`,
    problems,
  );
}

/** Expands `${VAR}` in every string, recording unset variables with the path that uses them. */
function expandStrings(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string[],
  problems: string[],
  warn: ((message: string) => void) | undefined,
): unknown {
  if (typeof value === 'string') {
    const missing = new Set<string>();
    const result = expandEnv(value, env, missing);
    for (const name of missing) {
      const message = `${path.join('.')}: environment variable ${name} is not set`;
      // The `secrets` block is never read (docs/configuration.md), so an unset variable there is harmless.
      if (path[0] === 'secrets') warn?.(message);
      else problems.push(message);
    }
    return result;
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      expandStrings(item, env, [...path, String(index)], problems, warn),
    );
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        expandStrings(item, env, [...path, key], problems, warn),
      ]),
    );
  }
  return value;
}

/** Reference files spell provider types as `GitHub` or `AzureDevOps`; accept any case. */
function normalizeTypes(raw: unknown): unknown {
  if (!isRecord(raw) || !isRecord(raw['projects'])) return raw;
  const projects = Object.fromEntries(
    Object.entries(raw['projects']).map(([name, project]) => {
      if (!isRecord(project)) return [name, project];
      const copy = { ...project };
      for (const key of ['source', 'tickets']) {
        const block = copy[key];
        if (isRecord(block) && typeof block['type'] === 'string') {
          copy[key] = { ...block, type: block['type'].toLowerCase() };
        }
      }
      return [name, copy];
    }),
  );
  return { ...raw, projects };
}

/** A project naming a pipeline the file does not define, listing the ones it does. */
function pipelineReferenceProblems(raw: unknown): string[] {
  if (!isRecord(raw) || !isRecord(raw['projects'])) return [];
  const declared = isRecord(raw['pipelines']) ? Object.keys(raw['pipelines']) : [];
  const known = [...new Set([DEFAULT_PIPELINE_NAME, ...declared])];
  const problems: string[] = [];
  for (const [name, project] of Object.entries(raw['projects'])) {
    if (!isRecord(project) || typeof project['pipeline'] !== 'string') continue;
    if (!known.includes(project['pipeline'])) {
      problems.push(
        `projects.${name}.pipeline: unknown pipeline "${project['pipeline']}". Valid pipelines: ${known.join(', ')}`,
      );
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
