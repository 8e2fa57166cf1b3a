import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evalTasks, runEvalTask, type EvalTask } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const AGENT_MAIN = resolve(import.meta.dirname, '../../dist/main.js');
const FIXTURES = resolve(import.meta.dirname, '../fixtures/sessions');

function task(id: string): EvalTask {
  const found = evalTasks().find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

/**
 * Recorded sessions (`agentsmith --record`, made by `npm run eval -- --record-dir`) replayed
 * through the built agent CLI with local tickets and no model: the loop's mechanics (tools, finish
 * gate, tests, commit) must still land the fix on branch fix/1, graded by the task's hidden tests.
 * A recording the run no longer matches fails with the turn named.
 */
describe('replayed sessions as regression fixtures (agentsmith --replay)', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'agentsmith-replay-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it.each(['node-sumTo', 'python-sum_to', 'go-SumTo'])(
    'replays %s without a model: the fix lands on fix/1 and the hidden tests pass',
    async (id) => {
      const result = await runEvalTask(task(id), {
        agentMain: AGENT_MAIN,
        solver: { kind: 'replay', recording: join(FIXTURES, `${id}.jsonl`) },
      });

      expect(result.output).toContain('Replay of the recorded session');
      expect(result.output).toMatch(/\[5\/7\] Fixing the ticket \(replay\)/);
      expect(result.output).not.toMatch(/ANTHROPIC_API_KEY is not set/);
      expect(result).toMatchObject({
        agentExitCode: 0,
        branchCreated: true,
        failToPassPassed: true,
        passToPassPassed: true,
        resolved: true,
        turns: 5,
        edits: 1,
        failedEdits: 0,
      });
    },
  );

  it('fails naming the turn when the recorded edit no longer applies (a different tool result)', async () => {
    const lines = (await readFile(join(FIXTURES, 'node-sumTo.jsonl'), 'utf8')).trim().split('\n');
    const tampered = lines.map((line) =>
      line.includes('"toolName":"edit_file","input"')
        ? line.replace(/\\"old_text\\":\\"[^\\]*/, '\\"old_text\\":\\"text that is not in the file')
        : line,
    );
    expect(tampered).not.toEqual(lines);
    const file = join(scratch, 'tampered-edit.jsonl');
    await writeFile(file, `${tampered.join('\n')}\n`);

    const result = await runEvalTask(task('node-sumTo'), {
      agentMain: AGENT_MAIN,
      solver: { kind: 'replay', recording: file },
      timeoutMs: 120_000,
    });

    expect(result.agentExitCode).toBe(1);
    expect(result.branchCreated).toBe(false);
    expect(result.output).toMatch(
      /Replay diverged at turn 4 of .*tampered-edit\.jsonl: the run sent edit_file result \(error-text\); the recording has edit_file result \(text\)/,
    );
  });

  it('fails naming the turn when the run asks for more turns than were recorded', async () => {
    const lines = (await readFile(join(FIXTURES, 'node-sumTo.jsonl'), 'utf8')).trim().split('\n');
    const file = join(scratch, 'truncated.jsonl');
    await writeFile(file, `${lines.slice(0, -1).join('\n')}\n`);

    const result = await runEvalTask(task('node-sumTo'), {
      agentMain: AGENT_MAIN,
      solver: { kind: 'replay', recording: file },
      timeoutMs: 120_000,
    });

    expect(result.agentExitCode).toBe(1);
    expect(result.branchCreated).toBe(false);
    expect(result.output).toMatch(
      /Replay diverged at turn 5 of .*truncated\.jsonl: the recording ends after 4 turns, but the run asked the primary model \(claude-oracle\) for another answer/,
    );
  });

  it('refuses a file that is not a recording, naming the line', async () => {
    const file = join(scratch, 'not-a-recording.jsonl');
    await writeFile(file, '{"type":"header","format":"something-else","version":1}\n');

    const result = await runEvalTask(task('node-sumTo'), {
      agentMain: AGENT_MAIN,
      solver: { kind: 'replay', recording: file },
      timeoutMs: 120_000,
    });

    expect(result.agentExitCode).toBe(2);
    expect(result.output).toMatch(
      /not-a-recording\.jsonl line 1 is not an agentsmith-session header/,
    );
  });

  it("records a session that replays to the same result; the ticket's comments reach the model", async () => {
    const file = join(scratch, 'recorded.jsonl');
    const base = task('node-isEven');
    // A local ticket's people's comments sit under `## Comments`, one `### <time> <author>` block each.
    const commented: EvalTask = {
      ...base,
      ticket: {
        ...base.ticket,
        body: `${base.ticket.body}\n\n## Comments\n\n### 2026-05-01T10:00:00Z ana\n\nIt also fails for negative odd numbers.`,
      },
    };
    const recorded = await runEvalTask(commented, {
      agentMain: AGENT_MAIN,
      solver: { kind: 'oracle' },
      record: file,
    });
    expect(recorded.resolved).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')[0]).toMatch(
      /^\{"type":"header","format":"agentsmith-session","version":1,"provider":"anthropic","model":"claude-oracle"/,
    );
    expect(text).not.toContain('fake-llm-key-7f3a9c');
    const firstInput = JSON.stringify(JSON.parse(text.split('\n')[1] ?? '{}').request.input);
    expect(firstInput).toContain(
      '<comment author=\\"ana\\" date=\\"2026-05-01T10:00:00Z\\">\\nIt also fails for negative odd numbers.\\n</comment>',
    );

    const replayed = await runEvalTask(commented, {
      agentMain: AGENT_MAIN,
      solver: { kind: 'replay', recording: file },
    });
    expect(replayed).toMatchObject({ resolved: true, turns: recorded.turns });
  });
});
