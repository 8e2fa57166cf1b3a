import { matchName } from '@agentsmith/contracts';
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
  const match = matchName(name, Object.keys(config.projects));
  const project = match.found ? config.projects[match.name] : undefined;
  if (!match.found || project === undefined) {
    const closest = match.found ? undefined : match.closest;
    const hint = closest === undefined ? '' : ` Did you mean "${closest}"?`;
    const known = Object.keys(config.projects);
    const list = known.length > 0 ? known.join(', ') : '(none configured)';
    throw new ConfigError(
      `Unknown project "${name}".${hint} Known projects: ${list}`,
      [`projects.${name}: not configured (known: ${list})`],
      'config_unknown_project',
    );
  }
  const key = match.name;
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
