import type { SlackCall } from './fake-slack-api.js';

/** One entry of `job:<id>:out` as the chaos suite reads it back (fields as strings). */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/** What the chaos suite counts for one job. */
export interface JobFigures {
  /** Entries the agent wrote that never reached Slack (details, the last step, the final card). */
  lost: number;
  /** Entries that reached Slack more than once (a final card counts too). */
  duplicated: number;
  /** Entries that reached Slack before one written earlier. */
  outOfOrder: number;
  finalCards: number;
}

const FINAL = /^(Done:|Job \w+ (failed|was cancelled))/;
const STEP = /\[(\d+)\/(\d+)\]/;
/** Bot replies and notices that are neither details nor progress nor a final card. */
const OTHER =
  /^(Starting job|Job \w+ (for|cancelled|could not)|The agent of job|Job \w+: |A job is already)/;

export function isFinalCard(call: SlackCall): boolean {
  return call.method === 'chat.postMessage' && FINAL.test(textOf(call));
}

export function textOf(call: SlackCall): string {
  const text = call.args['text'];
  return typeof text === 'string' ? text : '';
}

/**
 * Compares what the agent wrote with what Slack received, in one channel. Details are batched into
 * posts (lines joined), so each detail is looked for as its block of lines; progress entries
 * coalesce into edits, so only the order of the steps shown and the last step count; heartbeats
 * are never shown.
 */
export function jobFigures(entries: StreamEntry[], calls: SlackCall[]): JobFigures {
  const finals = calls.filter(isFinalCard);
  const detailLines = calls
    .filter(
      (call) =>
        call.method === 'chat.postMessage' &&
        !isFinalCard(call) &&
        !STEP.test(textOf(call)) &&
        !OTHER.test(textOf(call)),
    )
    .flatMap((call) => textOf(call).split('\n'));
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let cursor = 0;
  const details = entries
    .filter((item) => item.fields['type'] === 'detail')
    .map((item) => (item.fields['text'] ?? '').split('\n'));
  // Two details may say the same thing ("Running npm test"): each consumes the next occurrence.
  for (const block of details) {
    const positions = blockPositions(detailLines, block);
    const next = positions.find((position) => position >= cursor);
    if (next !== undefined) cursor = next + block.length;
    else if (positions.length > 0) outOfOrder += 1;
    else lost += 1;
  }
  const blocks = new Map<string, { block: string[]; written: number }>();
  for (const block of details) {
    const key = block.join('\n');
    blocks.set(key, { block, written: (blocks.get(key)?.written ?? 0) + 1 });
  }
  for (const { block, written } of blocks.values())
    duplicated += Math.max(0, blockPositions(detailLines, block).length - written);
  const shownSteps = calls
    .map((call) => STEP.exec(textOf(call))?.[1])
    .filter((step): step is string => step !== undefined)
    .map(Number);
  for (let index = 1; index < shownSteps.length; index += 1)
    if ((shownSteps[index] ?? 0) < (shownSteps[index - 1] ?? 0)) outOfOrder += 1;
  const progress = entries.filter((item) => item.fields['type'] === 'progress');
  const lastStep = Number(progress.at(-1)?.fields['step'] ?? 0);
  const wroteFinal = entries.some((item) => ['done', 'error'].includes(item.fields['type'] ?? ''));
  if (lastStep > 0 && !shownSteps.includes(lastStep) && !wroteFinal) lost += 1;
  if (finals.length === 0) lost += 1;
  duplicated += Math.max(0, finals.length - 1);
  return { lost, duplicated, outOfOrder, finalCards: finals.length };
}

/** Where `block` occurs as consecutive lines of `lines`. */
function blockPositions(lines: string[], block: string[]): number[] {
  const positions: number[] = [];
  for (let start = 0; start + block.length <= lines.length; start += 1)
    if (block.every((line, offset) => lines[start + offset] === line)) positions.push(start);
  return positions;
}

/** Sums per-job figures; latencies are reported as given. */
export function sumFigures(figures: JobFigures[]): Omit<JobFigures, 'finalCards'> {
  return figures.reduce(
    (sum, job) => ({
      lost: sum.lost + job.lost,
      duplicated: sum.duplicated + job.duplicated,
      outOfOrder: sum.outOfOrder + job.outOfOrder,
    }),
    { lost: 0, duplicated: 0, outOfOrder: 0 },
  );
}
