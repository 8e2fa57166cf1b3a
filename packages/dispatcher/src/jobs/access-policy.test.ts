import { describe, expect, it } from 'vitest';
import { decideAccess, type AccessPolicy, type AccessRequest } from './access-policy.js';
import type { ChatPerson, PeopleDirectory } from './people-directory.js';

const member = (userId: string, extra: Partial<ChatPerson> = {}): ChatPerson => ({
  userId,
  teamId: 'THOME',
  guest: undefined,
  stranger: false,
  deleted: false,
  bot: false,
  ...extra,
});

/** A directory of fixed people and groups; anything unknown cannot be looked up. */
function directory(
  people: ChatPerson[],
  groups: Record<string, string[]> = {},
): PeopleDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    person: (userId) => {
      asked.push(userId);
      const person = people.find((candidate) => candidate.userId === userId);
      return person ? Promise.resolve(person) : Promise.reject(new Error('user_not_found'));
    },
    groupMembers: (groupId) => {
      const members = groups[groupId];
      return members
        ? Promise.resolve(new Set(members))
        : Promise.reject(new Error('no_such_subteam'));
    },
    homeTeamId: () => Promise.resolve('THOME'),
  };
}

const open: AccessPolicy = {
  admins: ['UADMIN'],
  teams: [],
  channels: [],
  users: [],
  usergroups: [],
  allowGuests: false,
  allowExternalUsers: false,
};

const ask = (userId: string, extra: Partial<AccessRequest> = {}): AccessRequest => ({
  userId,
  channelId: 'CMAIN',
  ...extra,
});

describe('jobs/access-policy', () => {
  it.each([
    ['a member of the home workspace', open, member('U1'), ask('U1'), 'allowed'],
    [
      'an admin, even a guest, without a lookup',
      open,
      member('UADMIN', { guest: 'single-channel' }),
      ask('UADMIN'),
      'allowed',
    ],
    [
      'a single-channel guest',
      open,
      member('U1', { guest: 'single-channel' }),
      ask('U1'),
      /single-channel guest/,
    ],
    [
      'a multi-channel guest',
      open,
      member('U1', { guest: 'multi-channel' }),
      ask('U1'),
      /multi-channel guest/,
    ],
    [
      'a guest when guests are allowed',
      { ...open, allowGuests: true },
      member('U1', { guest: 'multi-channel' }),
      ask('U1'),
      'allowed',
    ],
    [
      'a person of another workspace',
      open,
      member('U1', { teamId: 'TOTHER' }),
      ask('U1'),
      /another Slack workspace \(TOTHER\)/,
    ],
    [
      'a request from another workspace',
      open,
      member('U1'),
      ask('U1', { teamId: 'TOTHER' }),
      /another Slack workspace \(TOTHER\)/,
    ],
    [
      'a listed other workspace',
      { ...open, teams: ['THOME', 'TOTHER'] },
      member('U1', { teamId: 'TOTHER' }),
      ask('U1'),
      'allowed',
    ],
    [
      'the home workspace when only others are listed',
      { ...open, teams: ['TOTHER'] },
      member('U1'),
      ask('U1'),
      /another Slack workspace \(THOME\)/,
    ],
    [
      'a stranger',
      open,
      member('U1', { stranger: true }),
      ask('U1'),
      /external \(Slack Connect\) user/,
    ],
    [
      'a stranger when external users are allowed',
      { ...open, allowExternalUsers: true },
      member('U1', { stranger: true }),
      ask('U1'),
      'allowed',
    ],
    ['a deactivated account', open, member('U1', { deleted: true }), ask('U1'), /deactivated/],
    ['a bot', open, member('U1', { bot: true }), ask('U1'), /a bot/],
    [
      'another channel',
      { ...open, channels: ['CMAIN'] },
      member('U1'),
      ask('U1', { channelId: 'COTHER' }),
      /this channel is not one where I take requests here/,
    ],
    ['a listed person', { ...open, users: ['U1'] }, member('U1'), ask('U1'), 'allowed'],
    [
      'an unlisted person',
      { ...open, users: ['U2'] },
      member('U1'),
      ask('U1'),
      /not among the people or user groups/,
    ],
    ['a group member', { ...open, usergroups: ['SDEV'] }, member('U1'), ask('U1'), 'allowed'],
    [
      'someone outside the groups',
      { ...open, usergroups: ['SDEV'] },
      member('U3'),
      ask('U3'),
      /not among/,
    ],
    [
      'a group that cannot be read',
      { ...open, usergroups: ['SGONE'] },
      member('U1'),
      ask('U1'),
      /could not read the user group SGONE \(no_such_subteam\)/,
    ],
    [
      'a project only for its channel',
      open,
      member('U1'),
      ask('U1', {
        project: { name: 'shop', rules: { channels: ['CSHOP'], users: [], usergroups: [] } },
      }),
      /not one where I take requests for the project shop/,
    ],
    [
      'a project only for its group',
      open,
      member('U1'),
      ask('U1', {
        channelId: 'CSHOP',
        project: { name: 'shop', rules: { channels: ['CSHOP'], users: [], usergroups: ['SDEV'] } },
      }),
      'allowed',
    ],
    [
      'a project without rules',
      open,
      member('U3'),
      ask('U3', { project: { name: 'shop', rules: undefined } }),
      'allowed',
    ],
  ])('%s', async (_case, policy, person, request, expected) => {
    const people = directory([person], { SDEV: ['U1', 'U2'] });

    const decision = await decideAccess(policy, people, request);

    if (expected === 'allowed') expect(decision.allowed).toBe(true);
    else
      expect(decision).toEqual({
        allowed: false,
        reason: expect.stringMatching(expected) as unknown,
      });
  });

  it('refuses (fails closed) when the profile cannot be looked up, saying why', async () => {
    const decision = await decideAccess(open, directory([]), ask('UNKNOWN'));

    expect(decision).toEqual({
      allowed: false,
      reason:
        'I could not look up your Slack profile (user_not_found), so I cannot tell whether you may use me',
    });
  });

  it('refuses when the home workspace is unknown and none is configured', async () => {
    const people = {
      ...directory([member('U1')]),
      homeTeamId: () => Promise.reject(new Error('down')),
    };

    const refused = await decideAccess(open, people, ask('U1'));
    const configured = await decideAccess({ ...open, teams: ['THOME'] }, people, ask('U1'));

    expect([refused.allowed, configured.allowed]).toEqual([false, true]);
    expect(refused).toMatchObject({
      reason: expect.stringContaining('auth.test failed') as unknown,
    });
  });

  it('never asks the directory about an admin', async () => {
    const people = directory([]);

    const decision = await decideAccess({ ...open, channels: ['CNONE'] }, people, ask('UADMIN'));

    expect([decision, people.asked]).toEqual([{ allowed: true, why: 'admin' }, []]);
  });
});
