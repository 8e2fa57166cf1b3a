// Writes docs/benchmarks.md (below its hand-written introduction) and the charts in
// docs/benchmarks/ from the rows both rounds of `npm run bench` recorded (bench/lib/results.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { distributionChart } from '../../packages/testkit/dist/index.js';

const REPORT = 'docs/benchmarks.md';
const CHARTS = 'docs/benchmarks';
const MARKER =
  '<!-- Everything below is written by `npm run bench` (scripts/run-benchmarks.mjs); edit only the part above. -->';

/** Cores, memory, versions and load, as the report records them. */
export function describeMachine() {
  let docker = 'not reachable';
  try {
    docker = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    // The report says so.
  }
  const [one, five] = loadavg();
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    docker,
    load: [one, five],
  };
}

const keyOf = (row) => `${row.row}:${row.measure}`;
const slug = (row) =>
  `row-${row.row}-${row.measure
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48)}`;

function number(value, unit) {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

function spread(a, b) {
  if (a === undefined || b === undefined) return '—';
  const mean = (Math.abs(a) + Math.abs(b)) / 2;
  return mean === 0 ? '0 %' : `${((Math.abs(a - b) / mean) * 100).toFixed(0)} %`;
}

const both = (first, second, format) =>
  second === undefined ? format(first) : `${format(first)} / ${format(second)}`;

export function writeBenchmarkReport({ rounds, failures, totalSeconds, machine, takenAt }) {
  const keys = [];
  const byRound = rounds.map((round) => new Map(round.rows.map((row) => [keyOf(row), row])));
  for (const round of rounds) {
    for (const row of round.rows) if (!keys.includes(keyOf(row))) keys.push(keyOf(row));
  }
  keys.sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0]));

  if (existsSync(CHARTS)) {
    for (const file of readdirSync(CHARTS)) if (file.endsWith('.svg')) rmSync(`${CHARTS}/${file}`);
  }
  mkdirSync(CHARTS, { recursive: true });

  const table = [
    '| # | Measure | Statistic | Round 1 | Round 2 | Spread | Floor (round 1 / 2) | Ratio (round 1 / 2) | Target | Met |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const missed = [];
  const details = [];
  for (const key of keys) {
    const [first, second] = byRound.map((rows) => rows.get(key));
    const row = first ?? second;
    const floor =
      row.floor === undefined
        ? '—'
        : `${both(first?.floor, second?.floor, (v) => number(v, row.unit))} (${row.floorLabel})`;
    const ratio =
      row.ratio === undefined ? '—' : both(first?.ratio, second?.ratio, (v) => number(v, '×'));
    const met = [first, second].filter(Boolean).map((item) => (item.met ? 'yes' : '**no**'));
    table.push(
      `| ${row.row} | ${row.measure} | ${row.statistic} | ${number(first?.value, row.unit)} | ${number(second?.value, row.unit)} | ${spread(first?.value, second?.value)} | ${floor} | ${ratio} | ${row.target} | ${met.join(' / ')} |`,
    );
    if ([first, second].some((item) => item && !item.met)) {
      const why = second?.why ?? first?.why ?? 'no explanation was recorded';
      missed.push(`- **Row ${row.row}, ${row.measure}**: ${why}.`);
    }
    const section = [`### Row ${row.row}: ${row.measure}`, ''];
    [first, second].forEach((item, index) => {
      if (!item) return;
      for (const line of item.details ?? []) section.push(`- round ${index + 1}: ${line}`);
    });
    const series = [first, second].flatMap((item, index) =>
      item
        ? Object.entries(item.samples ?? {}).map(([name, values]) => ({
            name: `round ${index + 1}: ${name}`,
            values,
          }))
        : [],
    );
    if (series.some((item) => item.values.length > 0)) {
      const file = `${slug(row)}.svg`;
      writeFileSync(
        `${CHARTS}/${file}`,
        distributionChart({ title: `Row ${row.row}: ${row.measure}`, unit: row.unit, series }),
      );
      section.push('', `![Row ${row.row}: distribution of ${row.measure}](benchmarks/${file})`);
    }
    details.push(section.join('\n'), '');
  }

  const { before, after } = machine;
  const loaded = Math.max(before.load[0], after.load[0]) > before.cores * 0.5;
  const benchSeconds = rounds.map((round, index) =>
    Object.entries(round.seconds)
      .map(([file, seconds]) => `${file} ${seconds.toFixed(0)} s`)
      .join(', ')
      .replace(/^/, `round ${index + 1}: `),
  );
  const generated = [
    MARKER,
    '',
    '## Results',
    '',
    `Taken ${(takenAt ?? new Date().toISOString()).slice(0, 16).replace('T', ' ')} UTC in ${(totalSeconds / 60).toFixed(1)} minutes, ${rounds.length} rounds. Spread is the difference between the two rounds as a share of their mean.${loaded ? ` **The machine was under load from other work while this ran** (load average ${before.load[0].toFixed(1)} before, ${after.load[0].toFixed(1)} after, on ${before.cores} cores): the figures are noisier and slower than on an idle machine.` : ''}`,
    '',
    ...table,
    '',
    '## Targets missed, and why',
    '',
    ...(missed.length > 0 ? missed : ['Every target was met in both rounds.']),
    ...(failures.length > 0
      ? [
          '',
          '**Benchmarks that failed** (their rows are missing or incomplete):',
          '',
          ...failures.map((f) => `- ${f}`),
        ]
      : []),
    '',
    '## Details and distributions',
    '',
    "Each chart shows the cumulative distribution of one row's samples in both rounds: a curve further left is faster; the gap between a measure and its floor is the cost of the machinery.",
    '',
    ...details,
    '## Machine',
    '',
    `- ${before.cores} cores (${before.cpuModel}), ${before.memoryGiB.toFixed(1)} GiB memory`,
    `- Node ${before.node}, Docker engine ${before.docker}`,
    `- load average (1 min / 5 min): ${before.load.map((v) => v.toFixed(2)).join(' / ')} before, ${after.load.map((v) => v.toFixed(2)).join(' / ')} after`,
    ...benchSeconds.map((line) => `- ${line}`),
    '',
  ];
  const existing = existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : '# Benchmarks\n\n';
  const intro = existing.includes(MARKER) ? existing.slice(0, existing.indexOf(MARKER)) : existing;
  writeFileSync(REPORT, `${intro.trimEnd()}\n\n${generated.join('\n')}`);
}
