import type { EvalResult } from './eval-run.js';
import type { Ecosystem } from './eval-tasks.js';

/** Figures of one group of runs (an ecosystem, or all). */
export interface EvalSummary {
  runs: number;
  resolved: number;
  /** resolved / runs. */
  solveRate: number;
  meanTurns: number;
  inputTokens: number;
  outputTokens: number;
  /** failed edits / edits (0 when there were no edits). */
  failedEditRate: number;
  rereadsAfterCompaction: number;
  environmentFailures: number;
}

export function summarize(results: readonly EvalResult[]): EvalSummary {
  const sum = (pick: (result: EvalResult) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  const edits = sum((result) => result.edits);
  const resolved = results.filter((result) => result.resolved).length;
  return {
    runs: results.length,
    resolved,
    solveRate: results.length === 0 ? 0 : resolved / results.length,
    meanTurns: results.length === 0 ? 0 : sum((result) => result.turns) / results.length,
    inputTokens: sum((result) => result.inputTokens),
    outputTokens: sum((result) => result.outputTokens),
    failedEditRate: edits === 0 ? 0 : sum((result) => result.failedEdits) / edits,
    rereadsAfterCompaction: sum((result) => result.rereadsAfterCompaction),
    environmentFailures: results.filter((result) => result.environmentFailure !== undefined).length,
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

/**
 * The report table: one row per ecosystem and a total, for the solver under test and (when
 * given) the oracle's ceiling beside it.
 */
export function formatReport(
  label: string,
  results: readonly EvalResult[],
  ceiling?: readonly EvalResult[],
): string {
  const ecosystems = [...new Set(results.map((result) => result.ecosystem))] as Ecosystem[];
  const header = [
    'ecosystem',
    'runs',
    'resolved',
    'solve rate',
    ...(ceiling ? ['oracle ceiling'] : []),
    'mean turns',
    'tokens in/out',
    'failed edits',
    're-reads after compaction',
    'environment failures',
  ];
  const row = (name: string, group: readonly EvalResult[], oracle?: readonly EvalResult[]) => {
    const figures = summarize(group);
    return [
      name,
      String(figures.runs),
      String(figures.resolved),
      percent(figures.solveRate),
      ...(ceiling ? [percent(summarize(oracle ?? []).solveRate)] : []),
      figures.meanTurns.toFixed(1),
      `${figures.inputTokens}/${figures.outputTokens}`,
      percent(figures.failedEditRate),
      String(figures.rereadsAfterCompaction),
      String(figures.environmentFailures),
    ];
  };
  const rows = [
    header,
    ...ecosystems.map((ecosystem) =>
      row(
        ecosystem,
        results.filter((result) => result.ecosystem === ecosystem),
        ceiling?.filter((result) => result.ecosystem === ecosystem),
      ),
    ),
    row('all', results, ceiling),
  ];
  const widths = header.map((_, column) =>
    Math.max(...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const lines = rows.map((cells) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '),
  );
  const unresolved = results.filter((result) => !result.resolved);
  const notes = unresolved.map(
    (result) =>
      `  ${result.taskId}: ${result.environmentFailure ? `environment: ${result.environmentFailure}` : !result.branchCreated ? `no branch (failed at ${result.failedStep ?? 'unknown step'})` : `fail-to-pass ${result.failToPassPassed ? 'pass' : 'FAIL'}, pass-to-pass ${result.passToPassPassed ? 'pass' : 'FAIL'}`}`,
  );
  return [
    `${label}`,
    ...lines.map((line) => `  ${line.trimEnd()}`),
    ...(notes.length > 0 ? ['Unresolved:', ...notes] : []),
  ].join('\n');
}
