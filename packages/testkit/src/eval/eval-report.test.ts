import { describe, expect, it } from 'vitest';
import { formatReport, summarize } from './eval-report.js';
import { parseAgentOutput, type EvalResult } from './eval-run.js';

const result = (overrides: Partial<EvalResult>): EvalResult => ({
  taskId: 'node-add',
  ecosystem: 'node',
  resolved: true,
  branchCreated: true,
  failToPassPassed: true,
  passToPassPassed: true,
  environmentFailure: undefined,
  agentExitCode: 0,
  failedStep: undefined,
  turns: 5,
  edits: 2,
  failedEdits: 1,
  rereadsAfterCompaction: 0,
  inputTokens: 100,
  outputTokens: 10,
  durationMs: 1000,
  ...overrides,
});

describe('eval/eval-report', () => {
  it('sums runs, solve rate, turns, tokens, failed-edit rate and environment failures', () => {
    const figures = summarize([
      result({}),
      result({ resolved: false, turns: 15, edits: 2, failedEdits: 0, environmentFailure: 'x' }),
    ]);
    expect(figures).toEqual({
      runs: 2,
      resolved: 1,
      solveRate: 0.5,
      meanTurns: 10,
      inputTokens: 200,
      outputTokens: 20,
      failedEditRate: 0.25,
      rereadsAfterCompaction: 0,
      environmentFailures: 1,
    });
  });

  it('prints a row per ecosystem, the ceiling beside the model, and why runs are unresolved', () => {
    const model = [
      result({}),
      result({
        taskId: 'go-Add',
        ecosystem: 'go',
        resolved: false,
        failToPassPassed: false,
      }),
    ];
    const oracle = [result({}), result({ taskId: 'go-Add', ecosystem: 'go' })];

    const report = formatReport('model:', model, oracle);

    expect(report).toMatch(/oracle ceiling/);
    expect(report).toMatch(/\n {2}go {9}1 {5}0 {9}0\.0 % {7}100\.0 %/);
    expect(report).toMatch(/\n {2}all {8}2 {5}1 {9}50\.0 % {6}100\.0 %/);
    expect(report).toContain('go-Add: fail-to-pass FAIL, pass-to-pass pass');
  });

  it('reads the loop counters, the failed step and the tokens from the agent output', () => {
    const stderr = [
      JSON.stringify({
        msg: 'coding session ended',
        stats: { turns: 4, edits: 2, failedEdits: 1, rereadsAfterCompaction: 1 },
      }),
      'not json',
      JSON.stringify({
        msg: 'coding session ended',
        stats: { turns: 3, edits: 1, failedEdits: 0, rereadsAfterCompaction: 0 },
      }),
      JSON.stringify({ msg: 'step failed', step: 'TestCommand', code: 'tests_failed' }),
    ].join('\n');
    const stdout =
      '    LLM usage: claude-x: 1200 in / 300 out tokens, $0.01\n    LLM usage: AgenticExecuteCommand: 2 call(s), $0.01\n';

    expect(parseAgentOutput(stdout, stderr)).toEqual({
      turns: 7,
      edits: 3,
      failedEdits: 1,
      rereads: 1,
      inputTokens: 1200,
      outputTokens: 300,
      failedStep: 'TestCommand',
    });
  });
});
