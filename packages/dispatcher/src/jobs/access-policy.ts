import type { PeopleDirectory } from './people-directory.js';

/** Channels, people and user groups a request must match; an empty list matches everything. */
export interface AccessRules {
  readonly channels: readonly string[];
  readonly users: readonly string[];
  readonly usergroups: readonly string[];
}

/** The operator's access policy (docs/security.md#who-may-use-the-bot). */
export interface AccessPolicy extends AccessRules {
  readonly admins: readonly string[];
  /** Empty → only the workspace the app is installed in. */
  readonly teams: readonly string[];
  readonly allowGuests: boolean;
  readonly allowExternalUsers: boolean;
}

/** Who asks, where, and about which project. */
export interface AccessRequest {
  userId: string;
  channelId: string;
  /** The workspace the platform says the request came from (`user_team` of a Slack event). */
  teamId?: string | undefined;
  /** The project's own rules (`projects.<name>.access`), on top of the global ones. */
  project?: { name: string; rules: AccessRules | undefined } | undefined;
}

export type AccessDecision =
  { allowed: true; why: 'admin' | 'policy' } | { allowed: false; reason: string };

const refuse = (reason: string): AccessDecision => ({ allowed: false, reason });

/**
 * Decides whether a person may use the bot here. Admins always may; everyone else must be a
 * member (not a guest, not external, unless allowed) of an allowed workspace, in an allowed
 * channel, listed or in an allowed user group — globally and for the project named.
 * A profile or group that cannot be read refuses (fail closed).
 */
export async function decideAccess(
  policy: AccessPolicy,
  directory: PeopleDirectory,
  request: AccessRequest,
): Promise<AccessDecision> {
  if (policy.admins.includes(request.userId)) return { allowed: true, why: 'admin' };
  let person;
  try {
    person = await directory.person(request.userId);
  } catch (error) {
    return refuse(
      `I could not look up your Slack profile (${describe(error)}), so I cannot tell whether you may use me`,
    );
  }
  if (person.deleted || person.bot) return refuse('this account is deactivated or a bot');
  const homeTeam =
    policy.teams.length > 0 ? undefined : await directory.homeTeamId().catch(() => undefined);
  const teams = policy.teams.length > 0 ? policy.teams : homeTeam ? [homeTeam] : [];
  if (teams.length === 0)
    return refuse(
      'I could not find out which Slack workspace I am installed in (auth.test failed), so I cannot tell whether you belong to it',
    );
  const personTeams = [person.teamId, request.teamId].filter((team) => team !== undefined);
  const foreign = personTeams.find((team) => !teams.includes(team));
  if (foreign !== undefined || personTeams.length === 0)
    return refuse(
      `you belong to another Slack workspace (${foreign ?? 'unknown'}), and only people of ${teams.join(', ') || 'this workspace'} may use me here`,
    );
  if (person.stranger && !policy.allowExternalUsers)
    return refuse(
      'you are an external (Slack Connect) user, and external users may not use me here',
    );
  if (person.guest && !policy.allowGuests)
    return refuse(
      `you are a ${person.guest} guest of this workspace, and guests may not use me here`,
    );
  const global = await matchRules(policy, directory, request, 'here');
  if (global) return refuse(global);
  if (request.project?.rules) {
    const forProject = await matchRules(
      request.project.rules,
      directory,
      request,
      `for the project ${request.project.name}`,
    );
    if (forProject) return refuse(forProject);
  }
  return { allowed: true, why: 'policy' };
}

/** Why `rules` refuse the request, or undefined when they match. */
async function matchRules(
  rules: AccessRules,
  directory: PeopleDirectory,
  request: AccessRequest,
  where: string,
): Promise<string | undefined> {
  if (rules.channels.length > 0 && !rules.channels.includes(request.channelId))
    return `this channel is not one where I take requests ${where}`;
  if (rules.users.length === 0 && rules.usergroups.length === 0) return undefined;
  if (rules.users.includes(request.userId)) return undefined;
  for (const group of rules.usergroups) {
    try {
      if ((await directory.groupMembers(group)).has(request.userId)) return undefined;
    } catch (error) {
      return `I could not read the user group ${group} (${describe(error)})`;
    }
  }
  return `you are not among the people or user groups allowed to use me ${where}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
