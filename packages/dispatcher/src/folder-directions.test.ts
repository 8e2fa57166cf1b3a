import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repositoryRoot = join(import.meta.dirname, '../../..');

/** The messages the folder-direction rule of eslint.config.js gives `code` placed at `file`. */
async function directionProblems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: repositoryRoot,
    // The probe file exists only in memory: parse it without the type-checked program.
    overrideConfig: { languageOptions: { parserOptions: { project: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'boundaries/dispatcher-directions',
  });
  const [result] = await eslint.lintText(code, {
    filePath: join(repositoryRoot, 'packages/dispatcher/src', file),
  });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('eslint.config.js: directions inside the dispatcher', () => {
  it('refuses jobs/ importing the Slack adapter', async () => {
    expect(
      await directionProblems(
        'jobs/probe.ts',
        "import { renderNotice } from '../slack/message-blocks.js';\nexport const probe = renderNotice;\n",
      ),
    ).toEqual([
      'boundaries/dispatcher-directions: jobs/ may not import slack/message-blocks.ts: it may import intents, conversations/conversation-state-manager.ts, spawners/job-spawner.ts, server/metrics.ts (docs/architecture.md).',
    ]);
  });

  it('refuses jobs/ reaching into a spawner engine, but allows the JobSpawner port', async () => {
    const problems = await directionProblems(
      'jobs/probe.ts',
      [
        "import { DockerJobSpawner } from '../spawners/docker/docker-job-spawner.js';",
        "import type { JobSpawner } from '../spawners/job-spawner.js';",
        'export type Probe = [DockerJobSpawner, JobSpawner];',
      ].join('\n'),
    );

    expect(problems).toEqual([
      expect.stringContaining('jobs/ may not import spawners/docker/docker-job-spawner.ts'),
    ]);
  });

  it('keeps the engines apart and the composition root out of every folder', async () => {
    expect([
      await directionProblems(
        'spawners/docker/probe.ts',
        "export { KubernetesJobSpawner } from '../kubernetes/kubernetes-job-spawner.js';\n",
      ),
      await directionProblems(
        'relay/probe.ts',
        "export { startDispatcher } from '../dispatcher.js';\n",
      ),
    ]).toEqual([
      [
        expect.stringContaining(
          'spawners/docker/ may not import spawners/kubernetes/kubernetes-job-spawner.ts',
        ),
      ],
      [expect.stringContaining('relay/ may not import dispatcher.ts')],
    ]);
  });

  it('asks for a direction for a folder it does not know', async () => {
    expect(
      await directionProblems('newfolder/probe.ts', "export * from '../jobs/notices.js';\n"),
    ).toEqual([
      'boundaries/dispatcher-directions: newfolder/ has no direction in dispatcherDirections (eslint.config.js): add what it may import.',
    ]);
  });

  it('accepts what the directions allow', async () => {
    expect(
      await directionProblems(
        'slack/probe.ts',
        [
          "import type { Notice } from '../jobs/notices.js';",
          "import type { SlackMode } from '../config/dispatcher-config.js';",
          "import { renderNotice } from './message-blocks.js';",
          'export type Probe = [Notice, SlackMode, typeof renderNotice];',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});
