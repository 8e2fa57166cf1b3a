import { toAppError, type Logger } from '@agentsmith/kit';
import { createTracker, loadConfig, type AgentsmithConfig } from '@agentsmith/providers';
import type { ProjectCatalog, ProjectList } from '../jobs/project-catalog.js';
import { ticketWebUrl } from './ticket-web-url.js';

/**
 * The projects of `agentsmith.yml` (through the providers' loader), read at every request so
 * edits apply at once. An unreadable or invalid file does not stop the dispatcher: `fix`, `list`
 * and `create` reply with the problem, everything else keeps working.
 */
export function createProjectCatalog(
  path: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): ProjectCatalog {
  let lastProblem: string | undefined;
  const load = async (): Promise<{ config?: AgentsmithConfig; list: ProjectList }> => {
    try {
      const config = await loadConfig(path, env, {
        warn: (message) => logger.debug({ path }, message),
      });
      lastProblem = undefined;
      return { config, list: { names: Object.keys(config.projects) } };
    } catch (error) {
      const failure = toAppError(error, 'config_invalid');
      const details = (failure.details?.['problems'] as string[] | undefined) ?? [];
      const problem = [failure.message, ...details.slice(0, 5)].join('; ');
      if (problem !== lastProblem)
        logger.error({ path, problems: details }, 'Project configuration unusable');
      lastProblem = problem;
      return { list: { names: [], problem: `${problem} (AGENTSMITH_CONFIG=${path})` } };
    }
  };
  return {
    projects: async () => (await load()).list,
    tracker: async (project) => {
      const { config, list } = await load();
      const tickets = config?.projects[project]?.tickets;
      if (!tickets)
        throw new Error(list.problem ?? `project ${project} has no tickets configuration`);
      return createTracker(tickets, env, { logger });
    },
    image: async (project) => (await load()).config?.projects[project]?.environment.image,
    access: async (project) => (await load()).config?.projects[project]?.access,
    repositoryUrl: async (project) => {
      const source = (await load()).config?.projects[project]?.source;
      return source && source.type !== 'local' ? repositoryWebUrl(source.url) : undefined;
    },
    ticketUrl: async (project, ticketId) => {
      const tickets = (await load()).config?.projects[project]?.tickets;
      return tickets ? ticketWebUrl(tickets, ticketId, env) : undefined;
    },
    maxConcurrentJobs: async (project) =>
      (await load()).config?.projects[project]?.max_concurrent_jobs,
  };
}

/** `https://github.com/org/repo.git/` → `https://github.com/org/repo`: where its pull requests live. */
export function repositoryWebUrl(cloneUrl: string): string | undefined {
  if (!URL.canParse(cloneUrl)) return undefined;
  const url = new URL(cloneUrl);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  return url.href.replace(/\/+$/, '');
}
