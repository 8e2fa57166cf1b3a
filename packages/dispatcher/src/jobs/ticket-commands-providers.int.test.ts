import { silentLogger } from '@agentsmith/kit';
import { FakeAzureDevOpsApi, FakeGitlabApi, FakeJiraApi } from '@agentsmith/testkit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { createProjectCatalog } from '../projects/load-project-catalog.js';

/** One tracker behind `list` and `create`: its fake, its tickets block, its credentials. */
interface TrackerWorld {
  tickets: string;
  env: NodeJS.ProcessEnv;
  /** The reference chat shows for the 26th ticket. */
  created: string;
  /** Title and description of the ticket with that reference, as the fake holds it. */
  stored(): { title: string; description: unknown } | undefined;
  stop(): Promise<void>;
}

const worlds: Record<string, () => Promise<TrackerWorld>> = {
  gitlab: async () => {
    const api = await new FakeGitlabApi({ token: 'glpat-x', prefix: '/gitlab' })
      .addProject('acme/app')
      .start();
    for (let index = 1; index <= 25; index += 1)
      api.seedIssue('acme/app', { title: `Issue ${index}` });
    return {
      tickets: `{ type: gitlab, url: ${api.url}, project: acme/app }`,
      env: { GITLAB_TOKEN: 'glpat-x' },
      created: '#26',
      stored: () => {
        const issue = api.issue('acme/app', 26);
        return issue && { title: issue.title, description: issue.description };
      },
      stop: () => api.stop(),
    };
  },
  jira: async () => {
    const api = await new FakeJiraApi({ email: 'bot@acme.test', token: 'jira-x' })
      .addProject('PROJ')
      .start();
    for (let index = 1; index <= 25; index += 1)
      api.seedIssue('PROJ', { summary: `Issue ${index}` });
    return {
      tickets: `{ type: jira, url: ${api.url}, project: PROJ, api_version: "3" }`,
      env: { JIRA_EMAIL: 'bot@acme.test', JIRA_TOKEN: 'jira-x' },
      created: 'PROJ-26',
      stored: () => {
        const issue = api.issue('PROJ-26');
        return issue && { title: issue.summary, description: issue.description };
      },
      stop: () => api.stop(),
    };
  },
  azuredevops: async () => {
    const api = await new FakeAzureDevOpsApi({ organization: 'acme', token: 'pat-x' })
      .addProject('Shop')
      .start();
    for (let index = 1; index <= 25; index += 1)
      api.seedWorkItem('Shop', { title: `Issue ${index}` });
    return {
      tickets: `{ type: azuredevops, url: ${api.organizationUrl}, project: Shop }`,
      env: { AZURE_DEVOPS_TOKEN: 'pat-x' },
      created: '#26',
      stored: () => {
        const item = api.workItem(26);
        return item && { title: item.title, description: item.description };
      },
      stop: () => api.stop(),
    };
  },
};

describe('jobs/ticket-commands (GitLab, Jira and Azure Boards through the providers)', () => {
  let harness: DispatcherHarness | undefined;
  let world: TrackerWorld | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await harness?.stop();
    await world?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(worlds))(
    '%s: lists 20 of 25 open tickets, creates one, and a repeated create finds it',
    async (type) => {
      world = await worlds[type]!();
      dir = mkdtempSync(join(tmpdir(), 'dispatcher-tickets-'));
      writeFileSync(
        join(dir, 'agentsmith.yml'),
        [
          'projects:',
          '  app:',
          '    source: { type: local, path: . }',
          `    tickets: ${world.tickets}`,
          '',
        ].join('\n'),
      );
      harness = await DispatcherHarness.start({
        dependencies: {
          projects: createProjectCatalog(join(dir, 'agentsmith.yml'), world.env, silentLogger()),
        },
      });
      const channel = uniqueChannel();
      const texts = () =>
        harness!.slack
          .callsTo('chat.postMessage')
          .filter((call) => call.args['channel'] === channel)
          .map((call) => String(call.args['text']));

      await harness.message(channel, 'list tickets in app');
      await expect.poll(() => texts().length === 1).toBe(true);
      await harness.message(channel, 'create ticket "Add logging" in app "Every request"');
      await expect.poll(() => texts().length === 2).toBe(true);
      await harness.message(channel, 'create ticket "Add logging" in app "Every request"');
      await expect.poll(() => texts().length === 3).toBe(true);

      const [list, created, repeated] = texts();
      const lines = list!.split('\n');
      expect(lines[0]).toBe(':ticket: *Open tickets in app* (25):');
      expect(lines.filter((line) => line.startsWith('•'))).toHaveLength(20);
      expect(lines[1]).toContain('Issue 25');
      expect(lines.at(-1)).toBe('…and 5 more');
      expect(created).toBe(
        `Ticket *${world.created}* created in *app*: _Add logging_\nTo work on it: \`fix ${world.created} in app\``,
      );
      expect(repeated).toContain(`Ticket *${world.created}* already open in *app*`);
      expect(world.stored()).toMatchObject({ title: 'Add logging' });
      expect(JSON.stringify(world.stored()?.description)).toContain('Every request');
    },
  );
});
