// What every bench reports: rows of the benchmark table (docs/benchmarks.md), appended as JSON
// lines to the file the runner names (BENCH_RESULT_FILE), and printed for people.
import { appendFileSync } from 'node:fs';

/** The value at percentile `p` (0–100) of `values`: nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values) => percentile(values, 50);

/**
 * Records one row. `value` is the figure the target is about (in `unit`), `floor` the same
 * statistic of the floor measured in the same run (absent when the row has none), `met` whether the
 * target was met, `why` what explains a missed target, `samples` the raw distributions to chart
 * (`{ label: number[] }`), `details` extra lines for the report, `ratio` when the ratio is not
 * value ÷ floor.
 */
export function recordRow(row) {
  const ratio =
    row.ratio ?? (row.floor === undefined || row.floor === 0 ? undefined : row.value / row.floor);
  const full = { ...row, ratio, round: Number(process.env.BENCH_ROUND ?? 1) };
  const file = process.env.BENCH_RESULT_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(full)}\n`);
  const floor =
    row.floor === undefined ? '' : `; floor (${row.floorLabel}) ${fmt(row.floor)} ${row.unit}`;
  const ratioText = ratio === undefined ? '' : `, ratio ${ratio.toFixed(2)}`;
  console.log(
    `row ${row.row} ${row.measure}: ${row.statistic} ${fmt(row.value)} ${row.unit}${floor}${ratioText} — target ${row.target}: ${row.met ? 'met' : 'MISSED'}`,
  );
  for (const line of row.details ?? []) console.log(`  ${line}`);
}

function fmt(value) {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** Runs `task` over `items` with at most `limit` in flight; resolves to the results in order. */
export async function inParallel(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const redisUrl = () => {
  const url = process.env.REDIS_URL ?? 'localhost:6379';
  return url.includes('://') ? url : `redis://${url}`;
};
