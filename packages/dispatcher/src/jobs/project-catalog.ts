import { matchName } from '@agentsmith/contracts';
import type { Tracker } from '@agentsmith/providers';
import type { AccessRules } from './access-policy.js';
import type { ChatOrigin, JobContext } from './job-context.js';

/** The configured projects, or why there are none. */
export interface ProjectList {
  names: string[];
  /** Set when the configuration could not be read; says what is wrong and where. */
  problem?: string;
}

/** The projects the dispatcher knows (from `AGENTSMITH_CONFIG`) and their ticket trackers. */
export interface ProjectCatalog {
  /** Configured project names, read fresh so edits apply without a restart. */
  projects(): Promise<ProjectList>;
  /** The ticket tracker of a configured project; throws with a plain reason when unusable. */
  tracker(project: string): Promise<Tracker>;
  /** The project's `environment.image`; undefined runs the spawner's default image. */
  image?(project: string): Promise<string | undefined>;
  /** The project's own access rules (`projects.<name>.access`); undefined when it sets none. */
  access?(project: string): Promise<AccessRules | undefined>;
  /**
   * The web URL of the project's repository (`https://github.com/org/repo`), inside which the final
   * card links the pull request; undefined for a local repository or an unknown project.
   */
  repositoryUrl?(project: string): Promise<string | undefined>;
  /** Where a person reads the ticket (the jobs page links it); undefined when unknown or local. */
  ticketUrl?(project: string, ticketId: string): Promise<string | undefined>;
  /** The project's `max_concurrent_jobs`; undefined applies `MAX_JOBS_PER_PROJECT`. */
  maxConcurrentJobs?(project: string): Promise<number | undefined>;
}

/**
 * Finds a configured project for a chat request. Replies and returns null when it is unknown
 * (with the known ones and the closest match) or when the configuration is unusable.
 */
export async function findProject(
  context: JobContext,
  origin: ChatOrigin,
  requested: string,
): Promise<string | null> {
  const list = await context.projects.projects();
  if (list.problem) {
    await context.notifier.post(
      origin.channelId,
      { kind: 'projects-unreadable', problem: list.problem },
      origin.threadTs,
    );
    return null;
  }
  const match = matchName(requested, list.names);
  if (match.found) return match.name;
  await context.notifier.post(
    origin.channelId,
    { kind: 'unknown-project', requested, known: match.known, closest: match.closest },
    origin.threadTs,
  );
  return null;
}
