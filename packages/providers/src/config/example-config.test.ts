import { describe, expect, it } from 'vitest';
import { createLocalTracker } from '../trackers/local/local-tracker.js';
import { loadConfig } from './load-config.js';
import { resolveProject } from './resolve-project.js';

const root = new URL('../../../../', import.meta.url).pathname;

describe('config/agentsmith.example.yml', () => {
  it('is valid with an empty environment and resolves both projects', async () => {
    const config = await loadConfig(`${root}config/agentsmith.example.yml`, {});

    expect(resolveProject(config, 'agent-smith-test').commands).toHaveLength(7);
    expect(resolveProject(config, 'demo').project.source).toEqual({
      type: 'local',
      path: '/tmp/agentsmith-demo',
    });
  });

  it('ships a demo ticket #1 in config/tickets', async () => {
    const ticket = await createLocalTracker({ path: `${root}config/tickets` }).getTicket('1');

    expect(ticket?.title).toEqual('add() subtracts instead of adding');
  });
});
