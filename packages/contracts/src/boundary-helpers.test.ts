import { describe, expect, it } from 'vitest';
import { matchName } from './closest-name.js';
import {
  DEFAULT_CONFIG_PATH,
  INLINE_CONFIG_MAX_BYTES,
  agentConfigDelivery,
  resolveConfigPath,
  resolveConfigSource,
} from './config-location.js';
import { formatCost } from './format-cost.js';
import { redactRedisAddress, toRedisUrl } from './redis-url.js';
import { conversationKey, jobIndexKey, jobInStreamKey, jobOutStreamKey } from './redis-keys.js';
import { JOB_STREAM_CAP } from './stream-retention.js';
import { ticketIdFromLabel, ticketLabel } from './ticket-label.js';

describe('contracts/redis-keys', () => {
  it('names the keys as docs/architecture.md lists them', () => {
    expect(jobOutStreamKey('abc')).toBe('job:abc:out');
    expect(jobInStreamKey('abc')).toBe('job:abc:in');
    expect(conversationKey('slack', 'C1')).toBe('conversation:slack:C1');
    expect(jobIndexKey('abc')).toBe('job-index:abc');
    expect(JOB_STREAM_CAP).toEqual(['MAXLEN', '~', '10000']);
  });
});

describe('contracts/redis-url', () => {
  it.each`
    address                          | url
    ${'redis:6379'}                  | ${'redis://redis:6379'}
    ${' localhost:6379 '}            | ${'redis://localhost:6379'}
    ${'redis'}                       | ${'redis://redis'}
    ${'redis://user:pw@host:6380/2'} | ${'redis://user:pw@host:6380/2'}
    ${'rediss://host:6380'}          | ${'rediss://host:6380'}
  `('reads $address', ({ address, url }) => {
    expect(toRedisUrl(address as string)).toBe(url);
  });

  it.each`
    address                    | shown
    ${'http://host:6379'}      | ${'http://host:6379'}
    ${'user:secret@host:6379'} | ${'***@host:6379'}
    ${'host name'}             | ${'host name'}
  `('refuses $address without showing a password', ({ address, shown }) => {
    const attempt = () => toRedisUrl(address as string);

    expect(attempt).toThrow(`Redis address "${shown as string}" is neither host:port`);
    expect(attempt).toThrow(expect.objectContaining({ code: 'usage_invalid_input' }));
  });

  it('redacts the credentials of a URL', () => {
    expect(redactRedisAddress('redis://u:p@h:1/0')).toBe('redis://***@h:1/0');
    expect(redactRedisAddress('redis://h:1')).toBe('redis://h:1');
  });
});

describe('contracts/ticket-label', () => {
  it.each([
    ['58', '#58'],
    ['PROJ-58', 'PROJ-58'],
    ['58a', '58a'],
  ])('labels %s as %s and back', (id, label) => {
    expect(ticketLabel(id)).toBe(label);
    expect(ticketIdFromLabel(label)).toBe(id);
  });
});

describe('contracts/format-cost', () => {
  it.each`
    cost         | text
    ${undefined} | ${'cost unknown'}
    ${0}         | ${'$0.0000'}
    ${0.0123}    | ${'$0.0123'}
    ${12.5}      | ${'$12.50'}
  `('prints $cost as $text', ({ cost, text }) => {
    expect(formatCost(cost as number | undefined)).toBe(text);
  });
});

describe('contracts/closest-name', () => {
  const known = ['agent-smith-test', 'api-v2', 'app'];

  it('finds a name exactly, then ignoring case', () => {
    expect(matchName('api-v2', known)).toEqual({ found: true, name: 'api-v2' });
    expect(matchName('API-V2', known)).toEqual({ found: true, name: 'api-v2' });
  });

  it.each`
    requested             | closest
    ${'agent-smith-tset'} | ${'agent-smith-test'}
    ${'ap'}               | ${'app'}
    ${'Agent-Smith-Tst'}  | ${'agent-smith-test'}
    ${'zzzzzzzz'}         | ${undefined}
    ${'agent'}            | ${undefined}
  `('suggests $closest for $requested', ({ requested, closest }) => {
    expect(matchName(requested as string, known)).toEqual({
      found: false,
      known: ['agent-smith-test', 'api-v2', 'app'],
      closest,
    });
  });
});

describe('contracts/config-location', () => {
  it('takes the flag, then AGENTSMITH_CONFIG, then the default', () => {
    expect(resolveConfigPath('a.yml', { AGENTSMITH_CONFIG: 'b.yml' })).toBe('a.yml');
    expect(resolveConfigPath(undefined, { AGENTSMITH_CONFIG: ' b.yml ' })).toBe('b.yml');
    expect(resolveConfigPath(' ', { AGENTSMITH_CONFIG: '' })).toBe(DEFAULT_CONFIG_PATH);
  });

  it('takes the text a spawner set before any file, but never before the flag', () => {
    const env = { AGENTSMITH_CONFIG_TEXT: 'projects: {}\n', AGENTSMITH_CONFIG: 'b.yml' };

    expect(resolveConfigSource(undefined, env)).toEqual({
      text: 'projects: {}\n',
      source: '$AGENTSMITH_CONFIG_TEXT',
    });
    expect(resolveConfigSource('a.yml', env)).toEqual({ path: 'a.yml' });
    expect(resolveConfigSource(undefined, { ...env, AGENTSMITH_CONFIG_TEXT: ' ' })).toEqual({
      path: 'b.yml',
    });
  });

  it('delivers a configuration in the environment up to its limit in bytes, a larger one as a file', () => {
    const fits = 'é'.repeat(INLINE_CONFIG_MAX_BYTES / 2);
    const tooLarge = `${fits}x`;

    expect(agentConfigDelivery(fits)).toEqual({ as: 'text', text: fits });
    expect(agentConfigDelivery(tooLarge)).toEqual({ as: 'file' });
    expect(agentConfigDelivery('projects: {}\n# \0\n')).toEqual({ as: 'file' });
    expect(agentConfigDelivery(' \n')).toEqual({ as: 'file' });
  });
});
