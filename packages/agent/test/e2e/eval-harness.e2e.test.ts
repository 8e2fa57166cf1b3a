import { resolve } from 'node:path';
import {
  evalTasks,
  FakeLlmApi,
  formatReport,
  oracleTurns,
  runEvalTask,
  validateTask,
  type EvalTask,
} from '@agentsmith/testkit';
import { describe, expect, it } from 'vitest';

const AGENT_MAIN = resolve(import.meta.dirname, '../../dist/main.js');

function task(id: string): EvalTask {
  const found = evalTasks().find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

/**
 * The evaluation harness grades correctly: on a few tasks the oracle resolves them through the
 * real agent, a deliberately wrong oracle fix is graded unresolved, and every task's hidden
 * fail-to-pass tests fail before the fix (otherwise the task would measure nothing).
 */
describe('eval harness (npm run eval)', () => {
  it('generates at least 30 tasks over Node, Python, Go, Rust and Java, each with hidden tests', () => {
    const tasks = evalTasks();
    expect(tasks.length).toBeGreaterThanOrEqual(30);
    expect(new Set(tasks.map((t) => t.ecosystem))).toEqual(
      new Set(['node', 'python', 'go', 'rust', 'java']),
    );
    for (const ecosystem of ['rust', 'java']) {
      expect(tasks.filter((t) => t.ecosystem === ecosystem).length).toBeGreaterThanOrEqual(3);
    }
    for (const t of tasks) {
      expect(Object.keys(t.hiddenTests)).toHaveLength(2);
      for (const path of Object.keys(t.hiddenTests)) expect(t.files[path]).toBeUndefined();
    }
  });

  it.each(['node-countVowels', 'python-sum_to', 'go-Sign', 'rust-sum_to'])(
    'task %s is valid: its fail-to-pass tests fail and its pass-to-pass tests pass before the fix',
    async (id) => {
      expect(await validateTask(task(id))).toBeUndefined();
    },
  );

  it('finds a task invalid when its hidden tests pass without a fix', async () => {
    const broken = task('node-add');
    const alreadyFixed = {
      ...broken,
      files: {
        ...broken.files,
        [broken.fix.path]:
          broken.files[broken.fix.path]?.replace(broken.fix.oldText, broken.fix.newText) ?? '',
      },
    };
    expect(await validateTask(alreadyFixed)).toEqual('its fail-to-pass tests pass without a fix');
  });

  it('resolves tasks with the oracle and grades a wrong fix unresolved', async () => {
    const right = [
      await runEvalTask(task('node-countVowels'), {
        agentMain: AGENT_MAIN,
        solver: { kind: 'oracle' },
      }),
      await runEvalTask(task('python-sum_to'), {
        agentMain: AGENT_MAIN,
        solver: { kind: 'oracle' },
      }),
      await runEvalTask(task('rust-is_even'), {
        agentMain: AGENT_MAIN,
        solver: { kind: 'oracle' },
      }),
    ];
    const wrong = await runEvalTask(task('node-percent'), {
      agentMain: AGENT_MAIN,
      solver: { kind: 'oracle', wrong: true },
    });

    for (const result of right) {
      expect(result, formatReport('oracle', right)).toMatchObject({
        resolved: true,
        branchCreated: true,
        environmentFailure: undefined,
        turns: 5,
        edits: 1,
        failedEdits: 0,
      });
      expect(result.inputTokens).toBeGreaterThan(0);
    }
    // The wrong fix reaches a branch (the visible tests still pass) but not the hidden tests.
    expect(wrong).toMatchObject({
      resolved: false,
      branchCreated: true,
      failToPassPassed: false,
      passToPassPassed: true,
      environmentFailure: undefined,
    });
    expect(formatReport('check', [...right, wrong])).toContain(
      'node-percent: fail-to-pass FAIL, pass-to-pass pass',
    );
  });

  it('runs a configured model the same way (here the fake server stands in for it)', async () => {
    const llm = await FakeLlmApi.start();
    try {
      const t = task('go-Fib');
      llm.script(...oracleTurns(t));

      const result = await runEvalTask(t, {
        agentMain: AGENT_MAIN,
        solver: {
          kind: 'model',
          type: 'claude',
          model: 'claude-stand-in',
          env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: llm.baseUrl },
        },
      });

      expect(result).toMatchObject({ resolved: true, environmentFailure: undefined });
      expect(llm.requests[0]?.model).toBe('claude-stand-in');
    } finally {
      await llm.stop();
    }
  });
});
