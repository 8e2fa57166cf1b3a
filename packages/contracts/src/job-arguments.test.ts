import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentArguments,
  agentContainerEnvironment,
  agentJobEnvironment,
  findJobAddress,
  fixCommandLine,
  jobArgumentsFromOptions,
  parseAgentArguments,
  parseFixCommandLine,
} from './job-arguments.js';
import { JobSpec, jobDeadline } from './job-spec.js';
import { PROTOCOL_VERSION } from './protocol-version.js';

const spec: JobSpec = {
  specificationVersion: PROTOCOL_VERSION,
  jobId: 'a1b2c3d4e5f6',
  intent: { ticketId: '58', project: 'agent-smith-test' },
  platform: 'slack',
  channelId: 'C0123',
  threadId: '1700000000.000100',
  requestedBy: 'U42',
  redisUrl: 'redis:6379',
  maxDurationSeconds: 3600,
  createdAt: 1_700_000_000_000,
};

const word = fc.stringMatching(/^[A-Za-z0-9._:@/-]{1,20}$/);
const specs: fc.Arbitrary<JobSpec> = fc.record(
  {
    specificationVersion: fc.constant(PROTOCOL_VERSION),
    jobId: fc.stringMatching(/^[0-9a-f]{12}$/),
    intent: fc.record({
      ticketId: fc.oneof(
        fc.nat().map(String),
        fc.stringMatching(/^[A-Z][A-Z0-9_]{0,5}-\d{1,5}$/),
        fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,10}$/),
      ),
      project: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
    }),
    platform: fc.constantFrom('slack', 'teams', 'cli'),
    channelId: fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,15}$/),
    threadId: word,
    requestedBy: word,
    redisUrl: fc.oneof(
      fc.stringMatching(/^[a-z][\w.-]{0,15}(:\d{1,5})?$/),
      fc.stringMatching(/^rediss?:\/\/[\w.-]{1,10}:\d{1,5}(\/\d)?$/),
    ),
    maxDurationSeconds: fc.integer({ min: 1, max: 7 * 86_400 }),
    createdAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    replay: fc.constant('demo' as const),
  },
  {
    requiredKeys: [
      'specificationVersion',
      'jobId',
      'intent',
      'platform',
      'channelId',
      'redisUrl',
      'maxDurationSeconds',
      'createdAt',
    ],
  },
);

describe('contracts/job-arguments', () => {
  it('builds the container arguments docs/architecture.md fixes', () => {
    expect(agentArguments(spec)).toEqual([
      '--headless',
      '--job-id',
      'a1b2c3d4e5f6',
      '--redis-url',
      'redis:6379',
      '--platform',
      'slack',
      '--channel-id',
      'C0123',
      'fix #58 in agent-smith-test',
    ]);
  });

  it('carries the rest of the spec in the environment', () => {
    expect(agentJobEnvironment(spec)).toEqual({
      AGENTSMITH_JOB_SPEC_VERSION: String(PROTOCOL_VERSION),
      AGENTSMITH_JOB_CREATED_AT: '1700000000000',
      AGENTSMITH_JOB_MAX_DURATION_SECONDS: '3600',
      AGENTSMITH_JOB_THREAD_ID: '1700000000.000100',
      AGENTSMITH_JOB_REQUESTED_BY: 'U42',
    });
    expect(jobDeadline(spec)).toBe(1_700_000_000_000 + 3_600_000);
  });

  it('carries a bundled replay in the environment only: the arguments stay exactly as they are', () => {
    const demo: JobSpec = { ...spec, replay: 'demo' };

    expect(agentArguments(demo)).toEqual(agentArguments(spec));
    expect(agentJobEnvironment(demo)).toEqual({
      ...agentJobEnvironment(spec),
      AGENTSMITH_JOB_REPLAY: 'demo',
    });
    expect(parseAgentArguments(agentArguments(demo), agentJobEnvironment(demo))).toEqual(demo);
  });

  it('refuses a replay that is not a bundled recording (a path, say)', () => {
    const env = { ...agentJobEnvironment(spec), AGENTSMITH_JOB_REPLAY: '/etc/passwd' };

    const attempt = () => parseAgentArguments(agentArguments(spec), env);

    expect(attempt).toThrow(/the job spec is malformed: replay: /);
    expect(attempt).toThrow(expect.objectContaining({ code: 'usage_invalid_input' }));
  });

  it('adds the workspace and where the configuration is: its text, or the delivered file', () => {
    const text = 'projects: {}\n';

    expect(agentContainerEnvironment(spec, { as: 'file' })).toEqual({
      ...agentJobEnvironment(spec),
      AGENTSMITH_WORKDIR: '/workspace',
      AGENTSMITH_CONFIG: '/etc/agentsmith/agentsmith.yml',
    });
    expect(agentContainerEnvironment(spec, { as: 'text', text })).toEqual({
      ...agentJobEnvironment(spec),
      AGENTSMITH_WORKDIR: '/workspace',
      AGENTSMITH_CONFIG_TEXT: text,
    });
    expect(Object.keys(agentContainerEnvironment(spec, undefined))).not.toContain(
      expect.stringMatching(/^AGENTSMITH_CONFIG/),
    );
  });

  it('reads back every spec it writes (argv and environment)', () => {
    fc.assert(
      fc.property(specs, (generated) => {
        const written = JobSpec.parse(generated);

        const read = parseAgentArguments(agentArguments(written), agentJobEnvironment(written));

        expect(read).toEqual(written);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['58', 'fix #58 in p'],
    ['PROJ-58', 'fix PROJ-58 in p'],
  ])('writes ticket %s as %s and reads it back', (ticketId, line) => {
    expect(fixCommandLine({ ticketId, project: 'p' })).toBe(line);
    expect(parseFixCommandLine(line)).toEqual({ ticketId, project: 'p' });
  });

  it('refuses a spec of another version, naming both versions', () => {
    const env = { ...agentJobEnvironment(spec), AGENTSMITH_JOB_SPEC_VERSION: '1' };

    const attempt = () => parseAgentArguments(agentArguments(spec), env);

    expect(attempt).toThrow(
      `The dispatcher sent job spec version 1, but this agent reads job spec version ${PROTOCOL_VERSION}`,
    );
    expect(attempt).toThrow(expect.objectContaining({ code: 'protocol_version_unsupported' }));
  });

  it('refuses a spec without a version as one from an older dispatcher', () => {
    const attempt = () => parseAgentArguments(agentArguments(spec), {});

    expect(attempt).toThrow(
      /^No AGENTSMITH_JOB_SPEC_VERSION was set, so the dispatcher predates job spec version 2, but this agent reads job spec version \d+/,
    );
    expect(attempt).toThrow(expect.objectContaining({ code: 'protocol_version_unsupported' }));
  });

  it.each`
    values                                                                                         | input              | problem
    ${{ 'job-id': 'a1b2c3d4e5f6' }}                                                                | ${'fix #1 in p'}   | ${/needs --redis-url, --platform, --channel-id/}
    ${{ 'job-id': 'XYZ', 'redis-url': 'r:1', platform: 'slack', 'channel-id': 'C' }}               | ${'fix #1 in p'}   | ${/--job-id "XYZ" is not a job id/}
    ${{ 'job-id': 'a1b2c3d4e5f6', 'redis-url': 'http://r', platform: 'slack', 'channel-id': 'C' }} | ${'fix #1 in p'}   | ${/Redis address "http:\/\/r"/}
    ${{ 'job-id': 'a1b2c3d4e5f6', 'redis-url': 'r:1', platform: 'irc', 'channel-id': 'C' }}        | ${'fix #1 in p'}   | ${/--platform "irc" is not one of slack, teams, cli/}
    ${{ 'job-id': 'a1b2c3d4e5f6', 'redis-url': 'r:1', platform: 'slack', 'channel-id': 'C' }}      | ${'please fix it'} | ${/Could not understand "please fix it"/}
  `('refuses $values with $input', ({ values, input, problem }) => {
    const attempt = () => jobArgumentsFromOptions(values, input as string);

    expect(attempt).toThrow(problem as RegExp);
    expect(attempt).toThrow(expect.objectContaining({ code: 'usage_invalid_input' }));
  });

  it('refuses a malformed deadline in the environment', () => {
    const env = { ...agentJobEnvironment(spec), AGENTSMITH_JOB_MAX_DURATION_SECONDS: 'soon' };

    expect(() => parseAgentArguments(agentArguments(spec), env)).toThrow(
      'AGENTSMITH_JOB_MAX_DURATION_SECONDS must be a whole number, not "soon"',
    );
  });

  it('finds the job address on a command line that does not parse', () => {
    expect(findJobAddress(['--bogus', '--job-id', 'abc', '--redis-url=localhost:6379'])).toEqual({
      jobId: 'abc',
      redisUrl: 'localhost:6379',
    });
  });
});
