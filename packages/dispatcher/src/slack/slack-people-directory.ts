import type { webApi } from '@slack/bolt';
import type { ChatPerson, PeopleDirectory } from '../jobs/people-directory.js';

/** Remembers successful answers for `ttlMs`; a failure is not remembered, so the next ask retries. */
class TtlCache<T> {
  readonly #entries = new Map<string, { expiresAt: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const value = load();
    this.#entries.set(key, { expiresAt: this.now() + this.ttlMs, value });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }
}

function slackError(method: string, error: unknown): Error {
  const platform = (error as { data?: { error?: string } }).data?.error;
  return new Error(
    platform ? `Slack ${method}: ${platform}` : `Slack ${method} failed: ${String(error)}`,
  );
}

/**
 * {@link PeopleDirectory} over the Web API: `users.info` (scope `users:read`),
 * `usergroups.users.list` (`usergroups:read`) and `auth.test`, each answer cached for `ttlMs`.
 */
export class SlackPeopleDirectory implements PeopleDirectory {
  readonly #people: TtlCache<ChatPerson>;
  readonly #groups: TtlCache<ReadonlySet<string>>;
  readonly #home: TtlCache<string | undefined>;
  readonly #workspace: TtlCache<string | undefined>;

  constructor(
    private readonly client: webApi.WebClient,
    ttlMs: number,
    now: () => number = Date.now,
  ) {
    this.#people = new TtlCache(ttlMs, now);
    this.#groups = new TtlCache(ttlMs, now);
    this.#home = new TtlCache(ttlMs, now);
    this.#workspace = new TtlCache(ttlMs, now);
  }

  person(userId: string): Promise<ChatPerson> {
    return this.#people.get(userId, async () => {
      const result = await this.client.users
        .info({ user: userId })
        .catch((error: unknown) => Promise.reject(slackError('users.info', error)));
      const user = result.user;
      if (!user) throw new Error('Slack users.info returned no user');
      return {
        userId,
        teamId: user.team_id,
        guest: user.is_ultra_restricted
          ? 'single-channel'
          : user.is_restricted
            ? 'multi-channel'
            : undefined,
        stranger: user.is_stranger === true,
        deleted: user.deleted === true,
        bot: user.is_bot === true,
      };
    });
  }

  groupMembers(groupId: string): Promise<ReadonlySet<string>> {
    return this.#groups.get(groupId, async () => {
      const result = await this.client.usergroups.users
        .list({ usergroup: groupId })
        .catch((error: unknown) => Promise.reject(slackError('usergroups.users.list', error)));
      return new Set(result.users ?? []);
    });
  }

  homeTeamId(): Promise<string | undefined> {
    return this.#home.get('home', async () => (await this.client.auth.test()).team_id);
  }

  /** The workspace's web address (`https://acme.slack.com/`), for thread permalinks. */
  workspaceUrl(): Promise<string | undefined> {
    return this.#workspace.get('url', async () => (await this.client.auth.test()).url);
  }
}
