import {
  AGENT_CONFIG_PATH_ENV,
  AGENT_CONFIG_TEXT_ENV,
  resolveConfigSource,
} from '@agentsmith/contracts';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, USAGE } from './parse-args.js';

describe('cli/parse-args', () => {
  it('reads a job-mode run as the spawners call it', () => {
    const argv = [
      '--headless',
      '--job-id',
      'a1b2c3d4e5f6',
      '--redis-url',
      'redis:6379',
      '--platform',
      'slack',
      '--channel-id',
      'C1',
      'fix #58 in demo',
    ];

    const command = parseCliArgs(argv);

    expect(command).toEqual({
      kind: 'run',
      options: {
        input: 'fix #58 in demo',
        configPath: undefined,
        dryRun: false,
        headless: true,
        job: {
          jobId: 'a1b2c3d4e5f6',
          redisUrl: 'redis:6379',
          platform: 'slack',
          channelId: 'C1',
          intent: { ticketId: '58', project: 'demo' },
        },
        verbose: false,
      },
    });
  });

  it.each(['record', 'replay'])("reads --%s FILE as the run's model session", (mode) => {
    const command = parseCliArgs([`--${mode}`, 'session.jsonl', 'fix #1 in demo']);

    expect(command).toMatchObject({
      kind: 'run',
      options: { session: { mode, file: 'session.jsonl' } },
    });
  });

  it('reads a dry run with a config path', () => {
    const command = parseCliArgs(['--dry-run', '--config=x.yml', 'fix #1 in demo']);

    expect(command).toMatchObject({ kind: 'run', options: { dryRun: true, configPath: 'x.yml' } });
  });

  it.each`
    argv                                                  | expected
    ${['config', 'validate']}                             | ${{ kind: 'config-validate', configPath: undefined }}
    ${['config', 'validate', '--config', 'a.yml']}        | ${{ kind: 'config-validate', configPath: 'a.yml' }}
    ${['--server']}                                       | ${{ kind: 'server', port: 8080, configPath: undefined, redisUrl: undefined, verbose: false, headless: true }}
    ${['--server', '--port', '9000']}                     | ${{ kind: 'server', port: 9000, configPath: undefined, redisUrl: undefined, verbose: false, headless: true }}
    ${['--server', '--redis-url', 'redis:6379']}          | ${{ kind: 'server', port: 8080, configPath: undefined, redisUrl: 'redis:6379', verbose: false, headless: true }}
    ${['--help']}                                         | ${{ kind: 'help' }}
    ${['doctor']}                                         | ${{ kind: 'doctor', configPath: undefined, timeoutMs: 10_000 }}
    ${['doctor', '--config', 'a.yml', '--timeout', '3s']} | ${{ kind: 'doctor', configPath: 'a.yml', timeoutMs: 3000 }}
    ${['demo']}                                           | ${{ kind: 'demo', verbose: false }}
    ${['demo', '--verbose']}                              | ${{ kind: 'demo', verbose: true }}
  `('reads $argv', ({ argv, expected }) => {
    expect(parseCliArgs(argv as string[])).toEqual(expected);
  });

  it.each`
    argv                                                                                                        | problem
    ${[]}                                                                                                       | ${/exactly one input/}
    ${['a', 'b']}                                                                                               | ${/exactly one input/}
    ${['--bogus', 'fix #1 in x']}                                                                               | ${/Unknown option/}
    ${['--job-id', 'abc', 'fix #1 in x']}                                                                       | ${/job mode needs --redis-url, --platform, --channel-id/}
    ${['--platform', 'slack', 'fix #1 in x']}                                                                   | ${/job mode needs --job-id, --redis-url, --channel-id/}
    ${['--job-id', 'a1b2c3d4e5f6', '--redis-url', 'r:1', '--platform', 'slack', '--channel-id', 'C', 'fix it']} | ${/Could not understand "fix it"/}
    ${['--server', '--port', 'x']}                                                                              | ${/--port must be a number/}
    ${['--port', '1', 'fix #1 in x']}                                                                           | ${/only valid with --server/}
    ${['config', 'check']}                                                                                      | ${/config validate/}
    ${['doctor', 'now']}                                                                                        | ${/doctor takes no input/}
    ${['doctor', '--timeout', 'soon']}                                                                          | ${/--timeout must be a duration/}
    ${['--timeout', '3s', 'fix #1 in x']}                                                                       | ${/only valid with doctor/}
    ${['--record', 'a.jsonl', '--replay', 'b.jsonl', 'fix #1 in x']}                                            | ${/exclude each other/}
    ${['--server', '--replay', 'b.jsonl']}                                                                      | ${/only valid for a one-shot run/}
    ${['--record', ' ', 'fix #1 in x']}                                                                         | ${/--record needs a file name/}
    ${['demo', 'fix #1 in demo']}                                                                               | ${/demo takes no input/}
    ${['demo', '--replay', 'b.jsonl']}                                                                          | ${/demo takes no input and no option but --verbose/}
    ${['demo', '--dry-run']}                                                                                    | ${/demo takes no input and no option but --verbose/}
  `('rejects $argv', ({ argv, problem }) => {
    const attempt = () => parseCliArgs(argv as string[]);

    expect(attempt).toThrow(problem as RegExp);
    expect(attempt).toThrow(expect.objectContaining({ code: 'usage_invalid_input' }));
  });

  it('tells where --config reads from when it is not given, in the order it does', () => {
    const text = AGENT_CONFIG_TEXT_ENV;
    const path = AGENT_CONFIG_PATH_ENV;
    const env = { [text]: 'projects: {}', [path]: 'from-env.yml' };
    // The order the help names is the order the contract resolves.
    expect(resolveConfigSource(undefined, env)).toMatchObject({ text: 'projects: {}' });
    expect(resolveConfigSource(undefined, { [path]: 'from-env.yml' })).toEqual({
      path: 'from-env.yml',
    });
    const line = USAGE.slice(USAGE.indexOf('--config <path>'), USAGE.indexOf('--dry-run'));
    expect(line.indexOf(`$${text}`)).toBeGreaterThan(0);
    expect(line.indexOf(`$${path},`)).toBeGreaterThan(line.indexOf(`$${text}`));
  });
});
