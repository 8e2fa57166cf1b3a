import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitTestRepo, type GitTestRepo } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FinishGate } from './finish-gate.js';
import { Workspace } from './tools/workspace.js';

describe('llm/finish-gate (real git)', () => {
  let repo: GitTestRepo;
  let workspace: Workspace;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    repo = await gitTestRepo({
      'src/calc.py': 'def add(a, b):\n    return a - b\n',
      'tests/test_calc.py':
        'from src.calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n',
    });
    workspace = await Workspace.open(repo.work);
  });

  afterEach(async () => {
    await repo.cleanup();
  });

  it('accepts a clean fix and answers with the tests, git status and the diff', async () => {
    await writeFile(join(repo.work, 'src/calc.py'), 'def add(a, b):\n    return a + b\n');
    const gate = new FinishGate(workspace, () =>
      Promise.resolve({ acceptable: true, report: '$ pytest\nTests pass.' }),
    );

    const review = await gate.review({ summary: 'fixed add' }, signal);

    expect(review.accepted).toBe(true);
    expect(review.report).toContain('Finished.\n\n## Tests\n$ pytest\nTests pass.');
    expect(review.report).toContain('## git status\n M src/calc.py');
    expect(review.report).toContain('-    return a - b\n+    return a + b');
  });

  it('sends back new failures, leftover scratch files and changed tests, then accepts after the limit', async () => {
    await writeFile(join(repo.work, 'repro.py'), 'print(1)\n');
    await mkdir(join(repo.work, 'tests'), { recursive: true });
    await writeFile(join(repo.work, 'tests/test_calc.py'), 'def test_add():\n    pass\n');
    const gate = new FinishGate(
      workspace,
      () => Promise.resolve({ acceptable: false, report: 'New failures: test_sub' }),
      2,
    );

    const first = await gate.review({ summary: 'done' }, signal);
    const second = await gate.review({ summary: 'done' }, signal);
    const third = await gate.review({ summary: 'done' }, signal);

    expect(first.accepted).toBe(false);
    expect(first.report.split('\n')[0]).toEqual(
      'finish refused (1 of 2): tests fail that passed before your change; new files not listed in keep_files: repro.py (delete scratch files; list files that belong in the change); existing tests changed: tests/test_calc.py (revert them unless the ticket requires it, and then say why in justification).',
    );
    expect(first.report).toContain('New failures: test_sub');
    expect(first.report).toContain('new file: repro.py');
    expect(second.accepted).toBe(false);
    expect(third.accepted).toBe(true);
    expect(third.report.split('\n')[0]).toMatch(
      /^Finished\. Still open after 2 refusals: tests fail/,
    );
  });

  it('does not count files that were untracked before the loop started', async () => {
    await writeFile(join(repo.work, 'coverage.xml'), '<coverage/>');
    const gate = new FinishGate(workspace);
    await gate.rememberStart(signal);
    await writeFile(join(repo.work, 'scratch.py'), 'print(1)\n');

    const review = await gate.review({ summary: 'done' }, signal);

    expect(review.report.split('\n')[0]).toEqual(
      'finish refused (1 of 3): new files not listed in keep_files: scratch.py (delete scratch files; list files that belong in the change).',
    );
  });

  it('accepts new files listed in keep_files and test changes with a justification', async () => {
    await writeFile(join(repo.work, 'tests/test_more.py'), 'def test_more():\n    pass\n');
    await writeFile(join(repo.work, 'tests/test_calc.py'), 'def test_add():\n    assert True\n');
    const gate = new FinishGate(workspace);

    const review = await gate.review(
      {
        summary: 'done',
        keep_files: ['./tests/test_more.py'],
        justification: 'The ticket asks to change the expected value.',
      },
      signal,
    );

    expect(review.accepted).toBe(true);
    expect(review.report).toContain('?? tests/test_more.py');
  });

  it('still answers outside a git repository', async () => {
    const plain = await Workspace.open(join(repo.work, 'src'));
    await rm(join(repo.work, '.git'), { recursive: true, force: true });

    const review = await new FinishGate(plain).review({ summary: 'done' }, signal);

    expect(review).toEqual({ accepted: true, report: 'Finished.' });
  });
});
