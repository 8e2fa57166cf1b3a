import { silentLogger } from '@agentsmith/kit';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProjectCatalog } from './load-project-catalog.js';

describe('config/load-project-catalog', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    mkdirSync(join(dir, 'tickets'));
    writeFileSync(join(dir, 'tickets', '1-first.md'), '# First ticket\n\nBody\n');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (yaml: string) => {
    writeFileSync(join(dir, 'agentsmith.yml'), yaml);
    return createProjectCatalog(join(dir, 'agentsmith.yml'), {}, silentLogger());
  };

  it('lists the configured projects and builds their trackers through the providers', async () => {
    const catalog = write(
      `projects:\n  demo:\n    source: { type: local, path: ${dir} }\n    tickets: { type: local, path: ${join(dir, 'tickets')} }\n    agent: { type: claude }\n`,
    );

    const list = await catalog.projects();
    const tracker = await catalog.tracker('demo');
    const page = await tracker.listOpenTickets(20);

    expect(list).toEqual({ names: ['demo'] });
    expect(page.tickets.map((ticket) => [ticket.id, ticket.title])).toEqual([
      ['1', 'First ticket'],
    ]);
  });

  it("gives a project's environment.image and max_concurrent_jobs, and nothing for a project without them", async () => {
    const project = (name: string, extra: string) =>
      `  ${name}:\n    source: { type: local, path: ${dir} }\n    tickets: { type: local, path: ${join(dir, 'tickets')} }\n${extra}`;
    const catalog = write(
      `projects:\n${project('py', '    environment: { image: agentsmith:polyglot }\n    max_concurrent_jobs: 2\n')}${project('js', '')}`,
    );

    expect(await catalog.image?.('py')).toEqual('agentsmith:polyglot');
    expect(await catalog.image?.('js')).toBeUndefined();
    expect(await catalog.maxConcurrentJobs?.('py')).toEqual(2);
    expect(await catalog.maxConcurrentJobs?.('js')).toBeUndefined();
  });

  it('reports an unusable configuration instead of failing, naming the file', async () => {
    const catalog = write('projects: [not, a, map]\n');

    const list = await catalog.projects();

    expect(list.names).toEqual([]);
    expect(list.problem).toContain(`AGENTSMITH_CONFIG=${join(dir, 'agentsmith.yml')}`);
    await expect(catalog.tracker('demo')).rejects.toThrow(/AGENTSMITH_CONFIG/);
  });

  it('reports a missing file', async () => {
    const catalog = createProjectCatalog(join(dir, 'missing.yml'), {}, silentLogger());

    expect((await catalog.projects()).problem).toMatch(/not found/);
  });
});
