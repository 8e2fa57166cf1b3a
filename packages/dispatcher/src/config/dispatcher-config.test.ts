import { describe, expect, it } from 'vitest';
import { ConfigError } from '@agentsmith/kit';
import { loadDispatcherConfig } from './dispatcher-config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadDispatcherConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config/dispatcher-config', () => {
  it('applies the documented defaults', () => {
    const config = loadDispatcherConfig(base, 'host-1');

    expect(config).toMatchObject({
      redisUrl: 'redis://localhost:6379',
      agentRedisUrl: 'localhost:6379',
      spawner: { type: 'kubernetes', kubernetes: { image: 'agentsmith:latest' } },
      configPath: 'config/agentsmith.yml',
      port: 8080,
      slack: { kind: 'http', botToken: 'xoxb-1', signingSecret: 'secret' },
      slackApiUrl: undefined,
      jobMaxDurationMs: 3_600_000,
      instanceId: 'host-1',
      cancelGraceSeconds: 30,
      logLevel: 'info',
      keyPrefix: 'dispatcher:',
      opsPort: 9090,
      access: {
        admins: [],
        teams: [],
        channels: [],
        users: [],
        usergroups: [],
        allowGuests: false,
        allowExternalUsers: false,
        directoryCacheTtlMs: 300_000,
      },
    });
  });

  it('reads the access policy: id lists (commas or blanks), yes/no switches, the cache TTL', () => {
    const config = loadDispatcherConfig({
      ...base,
      OPS_PORT: '9191',
      SLACK_ADMIN_USERS: 'U1, U2',
      SLACK_ALLOWED_TEAMS: 'T1 T2',
      SLACK_ALLOWED_CHANNELS: 'C1',
      SLACK_ALLOWED_USERS: 'U3',
      SLACK_ALLOWED_USERGROUPS: 'S1,S2',
      SLACK_ALLOW_GUESTS: 'TRUE',
      SLACK_ALLOW_EXTERNAL_USERS: 'false',
      SLACK_DIRECTORY_CACHE_TTL: '1h',
    });

    expect([config.opsPort, config.access]).toEqual([
      9191,
      {
        admins: ['U1', 'U2'],
        teams: ['T1', 'T2'],
        channels: ['C1'],
        users: ['U3'],
        usergroups: ['S1', 'S2'],
        allowGuests: true,
        allowExternalUsers: false,
        directoryCacheTtlMs: 3_600_000,
      },
    ]);
  });

  it('refuses an access list that is not Slack ids, and a switch that is not true/false', () => {
    expect(problemsOf({ ...base, SLACK_ADMIN_USERS: '@alice', SLACK_ALLOW_GUESTS: 'yes' })).toEqual(
      [
        'SLACK_ADMIN_USERS="@alice" is not valid: use user ids separated by commas, e.g. U012AB3CD,U045EF6GH',
        'SLACK_ALLOW_GUESTS="yes" is not valid: use true or false',
      ],
    );
  });

  it('is frozen all the way down', () => {
    const config = loadDispatcherConfig({ ...base, SPAWNER_TYPE: 'docker' });

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.spawner)).toBe(true);
    expect(
      config.spawner.type === 'docker' && Object.isFrozen(config.spawner.docker.resources),
    ).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it.each([
    ['redis:6379', 'redis://redis:6379'],
    ['redis://user:pw@cache:6380/2', 'redis://user:pw@cache:6380/2'],
    ['rediss://cache:6380', 'rediss://cache:6380'],
  ])('accepts REDIS_URL %s', (raw, url) => {
    const config = loadDispatcherConfig({ ...base, REDIS_URL: raw });

    expect(config.redisUrl).toBe(url);
    expect(config.agentRedisUrl).toBe(raw);
  });

  it('never repeats a password from a malformed REDIS_URL', () => {
    expect(problemsOf({ ...base, REDIS_URL: 'agent:s3cret-pw@cache:6379' })).toEqual([
      'REDIS_URL="***@cache:6379" is not valid: use host:port or redis://host:port',
    ]);
  });

  it('names the variable, the bad value and what is allowed', () => {
    expect(
      problemsOf({
        ...base,
        SPAWNER_TYPE: 'podman',
        PORT: 'abc',
        LOG_LEVEL: 'verbose',
        JOB_MAX_DURATION: 'soon',
        CANCEL_GRACE_SECONDS: '-1',
        SLACK_API_URL: 'slack.com',
      }),
    ).toEqual([
      'SPAWNER_TYPE="podman" is not valid: use one of docker, kubernetes',
      'PORT="abc" is not valid: use a port number (0-65535)',
      'SLACK_API_URL="slack.com" is not valid: use an http(s) URL such as https://slack.com/api/',
      'JOB_MAX_DURATION="soon" is not valid: use a positive duration such as 90s, 30m or 1h',
      'CANCEL_GRACE_SECONDS="-1" is not valid: use a whole number of seconds',
      'LOG_LEVEL="verbose" is not valid: use one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('never shows a secret, even when it is the bad value', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: '  ', SLACK_APP_TOKEN: 'xapp-1' })).toEqual([
      'SLACK_BOT_TOKEN is not set: set it to the bot token (xoxb-…) of the Slack app',
    ]);
  });

  it('refuses HTTP mode without a signing secret, saying what to set', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([
      expect.stringMatching(
        /^SLACK_SIGNING_SECRET is not set: .*set SLACK_SIGNING_SECRET .* or set SLACK_APP_TOKEN/,
      ),
    ]);
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set', () => {
    expect(
      loadDispatcherConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack,
    ).toEqual({ kind: 'socket', botToken: 'xoxb-1', appToken: 'xapp-1' });
  });

  it('refuses Docker tmpfs sizes the agent’s memory cannot hold, naming what to change', () => {
    const docker = { ...base, SPAWNER_TYPE: 'docker' };
    expect(problemsOf({ ...docker, AGENT_MEMORY: '2g' })).toEqual([
      "AGENT_WORKSPACE_SIZE=2g and AGENT_TMP_SIZE=512m together are not below AGENT_MEMORY=2g: on Docker both are in-memory file systems charged to the agent's memory, so a full workspace would be killed as out of memory instead of reported as full; raise AGENT_MEMORY or lower AGENT_WORKSPACE_SIZE",
    ]);
    expect(problemsOf({ ...docker, AGENT_MEMORY: '2g', AGENT_WORKSPACE_SIZE: '1g' })).toEqual([]);
    // On Kubernetes the workspace is an emptyDir on the node's disk, not the Pod's memory.
    expect(problemsOf({ ...base, SPAWNER_TYPE: 'kubernetes', AGENT_MEMORY: '2g' })).toEqual([]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      SPAWNER_TYPE: 'x',
      PORT: 'abc',
      JOB_MAX_DURATION: 'soon',
      REDIS_URL: 'bad url',
    });

    expect(problems).toHaveLength(6);
  });

  it('reads SLACK_API_URL and JOB_MAX_DURATION', () => {
    const config = loadDispatcherConfig({
      ...base,
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      JOB_MAX_DURATION: '90s',
      SPAWNER_TYPE: 'Docker',
    });

    expect([config.slackApiUrl, config.jobMaxDurationMs, config.spawner.type]).toEqual([
      'http://127.0.0.1:9/api/',
      90_000,
      'docker',
    ]);
  });

  describe('the jobs page', () => {
    const token = 'a'.repeat(32);

    it('is off unless a token or Sign in with Slack is configured', () => {
      expect(loadDispatcherConfig(base).jobsPage).toBeUndefined();
      expect(loadDispatcherConfig({ ...base, JOBS_PAGE_TOKEN: token }).jobsPage).toEqual({ token });
      expect(
        loadDispatcherConfig({ ...base, JOBS_PAGE_TOKEN: token, JOBS_PAGE_URL: 'https://a.test' })
          .jobsPage,
      ).toEqual({ token, publicUrl: 'https://a.test' });
      expect(loadDispatcherConfig({ ...base, JOBS_PAGE_URL: 'https://a.test' }).jobsPage).toBe(
        undefined,
      );
      expect(
        loadDispatcherConfig({
          ...base,
          SLACK_CLIENT_ID: '1.2',
          SLACK_CLIENT_SECRET: 'shh',
          JOBS_PAGE_URL: 'https://agentsmith.example.com/',
        }).jobsPage,
      ).toEqual({
        slackSignIn: { clientId: '1.2', clientSecret: 'shh' },
        publicUrl: 'https://agentsmith.example.com',
      });
    });

    it('refuses a short token without showing it, and half a Slack sign-in', () => {
      expect(problemsOf({ ...base, JOBS_PAGE_TOKEN: 'short-token' })).toEqual([
        'JOBS_PAGE_TOKEN="***" is not valid: use a random string of at least 32 characters, e.g. from `openssl rand -hex 32`',
      ]);
      expect(problemsOf({ ...base, SLACK_CLIENT_ID: '1.2', JOBS_PAGE_URL: 'ftp://x' })).toEqual([
        'JOBS_PAGE_URL="ftp://x" is not valid: use the public http(s) base URL of the dispatcher, e.g. https://agentsmith.example.com',
      ]);
      expect(problemsOf({ ...base, SLACK_CLIENT_ID: '1.2' })).toEqual([
        'SLACK_CLIENT_SECRET is not set: Sign in with Slack on the jobs page needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and JOBS_PAGE_URL together; set SLACK_CLIENT_SECRET too (or unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)',
        'JOBS_PAGE_URL is not set: Sign in with Slack on the jobs page needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and JOBS_PAGE_URL together; set JOBS_PAGE_URL too (or unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)',
      ]);
    });
  });
});
