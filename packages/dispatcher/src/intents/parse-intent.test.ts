import { describe, expect, it } from 'vitest';
import { parseIntent } from './parse-intent.js';

describe('intents/parse-intent', () => {
  it.each([
    ['fix #58 in agent-smith-test', { kind: 'fix', ticketId: '58', project: 'agent-smith-test' }],
    ['fix 58 in agent-smith-test', { kind: 'fix', ticketId: '58', project: 'agent-smith-test' }],
    [
      'fix ticket #58 in agent-smith-test',
      { kind: 'fix', ticketId: '58', project: 'agent-smith-test' },
    ],
    ['Fix PROJ-58 in my-project', { kind: 'fix', ticketId: 'PROJ-58', project: 'my-project' }],
    ['fix proj-7 in my-project', { kind: 'fix', ticketId: 'PROJ-7', project: 'my-project' }],
    ['resolve ticket #42 in api-v2', { kind: 'fix', ticketId: '42', project: 'api-v2' }],
    ['#58 my-project', { kind: 'fix', ticketId: '58', project: 'my-project' }],
    ['<@UBOT> fix #58 in p2', { kind: 'fix', ticketId: '58', project: 'p2' }],
    ['<@UBOT|agentsmith>:  fix   #58 in p2.', { kind: 'fix', ticketId: '58', project: 'p2' }],
    ['list tickets in agent-smith-test', { kind: 'list', project: 'agent-smith-test' }],
    ['list ticket for p1', { kind: 'list', project: 'p1' }],
    ['create ticket "Add logging" in p1', { kind: 'create', title: 'Add logging', project: 'p1' }],
    [
      'create ticket \u201CAdd logging\u201D in p1 \u201CEvery request\u201D',
      { kind: 'create', title: 'Add logging', project: 'p1', description: 'Every request' },
    ],
    [
      "create ticket \u2018Fix it\u2019 in p1 'now'",
      { kind: 'create', title: 'Fix it', project: 'p1', description: 'now' },
    ],
    ['status', { kind: 'status' }],
    ['Cancel', { kind: 'cancel' }],
    ['audit', { kind: 'audit' }],
    ['show the audit log', { kind: 'audit' }],
    ['help', { kind: 'help' }],
    ['hello', { kind: 'greeting' }],
    ['<@UBOT> hi', { kind: 'greeting' }],
    ['please do my homework', { kind: 'unknown', text: 'please do my homework' }],
    ['fix #58', { kind: 'unknown', text: 'fix #58' }],
    ['', { kind: 'unknown', text: '' }],
  ])('parses %j', (text, expected) => {
    expect(parseIntent(text)).toEqual(expected);
  });
});
