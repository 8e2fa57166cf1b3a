import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { git } from '@agentsmith/testkit';
import { loadConfig, resolveProject } from '@agentsmith/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoBundle, DEMO_RUN } from './demo-bundle.js';
import { prepareDemo } from './prepare-demo.js';

describe('demo/prepare-demo', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'agentsmith-demo-prepare-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the sample repository on main with the failing test the ticket describes', async () => {
    const workspace = await prepareDemo(demoBundle(), root, process.env);

    expect(await git(workspace.repository, 'branch', '--show-current')).toBe('main');
    expect(await git(workspace.repository, 'status', '--porcelain')).toBe('');
    expect(await git(workspace.repository, 'show', 'main:src/math.js')).toContain('return a - b;');
    const run = promisify(execFile)(process.execPath, ['--test'], { cwd: workspace.repository });
    await expect(run).rejects.toMatchObject({ code: 1 });
    expect(await readFile(join(workspace.tickets, '1-add-subtracts.md'), 'utf8')).toMatch(
      /^# add\(\) subtracts instead of adding/,
    );
  });

  it("writes a configuration whose demo project uses the bundled recording's model", async () => {
    const workspace = await prepareDemo(demoBundle(), root, process.env);
    const recording = await readFile(demoBundle().recording, 'utf8');
    const header = JSON.parse(recording.split('\n')[0] ?? '{}') as Record<string, unknown>;

    const config = await loadConfig(workspace.configPath, {}, { warn: () => undefined });
    const { project } = resolveProject(config, DEMO_RUN.project);

    expect(header).toMatchObject({
      format: 'agentsmith-session',
      provider: 'anthropic',
      model: DEMO_RUN.model,
      project: DEMO_RUN.project,
      ticket: DEMO_RUN.ticketId,
    });
    expect(project.agent.model).toBe(DEMO_RUN.model);
    expect(project.source).toMatchObject({ type: 'local', path: workspace.repository });
    expect(project.tickets).toMatchObject({ type: 'local', path: workspace.tickets });
  });

  it("ships a recording anyone may read (the image's non-root user; --record writes mode 600)", async () => {
    const { mode } = await stat(demoBundle().recording);

    expect(mode & 0o444).toBe(0o444);
  });

  it('reads the sample from the installation, so the agent image carries it', () => {
    const bundle = demoBundle('/app/');

    expect(bundle).toEqual({
      repository: '/app/packages/agent/demo/repository',
      tickets: '/app/config/tickets',
      recording: '/app/packages/agent/demo/recording.jsonl',
    });
  });
});
