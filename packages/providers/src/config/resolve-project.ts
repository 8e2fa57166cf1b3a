import { ConfigError } from '@agentsmith/kit';
import type { AgentsmithConfig, PipelineConfig, ProjectConfig } from './agentsmith-config.js';
import type { CommandName } from './command-names.js';

/** A project with its pipeline looked up. */
export interface ResolvedProject {
  name: string;
  project: ProjectConfig;
  pipelineName: string;
  commands: CommandName[];
}

/**
 * Finds a project by name (exact, then case-insensitive). Unknown names throw
 * `ConfigError('config_unknown_project')` listing the known projects and the closest match.
 */
export function resolveProject(config: AgentsmithConfig, name: string): ResolvedProject {
  const known = Object.keys(config.projects);
  const key = known.includes(name)
    ? name
    : known.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const project = key === undefined ? undefined : config.projects[key];
  if (key === undefined || project === undefined) {
    const suggestion = closestMatch(name, known);
    const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
    const list = known.length > 0 ? known.join(', ') : '(none configured)';
    throw new ConfigError(
      `Unknown project "${name}".${hint} Known projects: ${list}`,
      [`projects.${name}: not configured (known: ${list})`],
      'config_unknown_project',
    );
  }
  const pipeline: PipelineConfig | undefined = config.pipelines[project.pipeline];
  if (pipeline === undefined) {
    const valid = Object.keys(config.pipelines).join(', ');
    throw new ConfigError(
      `Project "${key}" uses unknown pipeline "${project.pipeline}". Valid pipelines: ${valid}`,
      [`projects.${key}.pipeline: unknown pipeline "${project.pipeline}" (valid: ${valid})`],
      'config_unknown_pipeline',
    );
  }
  return { name: key, project, pipelineName: project.pipeline, commands: [...pipeline.commands] };
}

/** The candidate with the smallest edit distance, when it is close enough to be a typo. */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.candidate.length) / 2));
  return best.distance <= limit ? best.candidate : undefined;
}

/** Levenshtein distance (insert, delete, substitute). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
