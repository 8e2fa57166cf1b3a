/**
 * `npm run eval`: the seeded-bug benchmark. Runs the agent CLI on generated tasks (Node, Python, Go,
 * Rust, Java) and grades them with hidden tests, SWE-bench style. Without `--model` the oracle (a scripted
 * model applying the known fix through the real tools) gives the pipeline's ceiling; with
 * `--model` a real model runs `--trials` times per task and its solve rate is printed beside the
 * oracle's. See docs/eval.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, summarize } from './eval-report.js';
import { runEvalTask, validateTask, type EvalResult, type EvalSolver } from './eval-run.js';
import { ECOSYSTEMS, evalTasks, type Ecosystem, type EvalTask } from './eval-tasks.js';

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: unknown) =>
  process.stderr.write(`${text instanceof Error ? (text.stack ?? text.message) : String(text)}\n`);

const USAGE = `Usage: npm run eval -- [options]
  --ecosystem <list>   node,python,go,rust,java (default: all)
  --task <id>          only this task (repeatable), e.g. node-add
  --model <id>         run a real model too, e.g. claude-sonnet-4-5 (its API key from the environment)
  --provider <type>    agent.type for --model: claude, openai, gemini, openai-compatible (default claude)
  --trials <n>         runs per task with --model (default 3)
  --skip-oracle        with --model: do not run the oracle ceiling
  --validate           only check that every task is valid (fail-to-pass fails, pass-to-pass passes)
  --json <file>        also write every result as JSON
  --record-dir <dir>   record each oracle run's model session as <dir>/<task>.jsonl (docs/recordings.md)
  --agent <path>       the built agent CLI (default packages/agent/dist/main.js)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ecosystem: { type: 'string' },
      task: { type: 'string', multiple: true },
      model: { type: 'string' },
      provider: { type: 'string', default: 'claude' },
      trials: { type: 'string', default: '3' },
      'skip-oracle': { type: 'boolean', default: false },
      json: { type: 'string' },
      'record-dir': { type: 'string' },
      validate: { type: 'boolean', default: false },
      agent: { type: 'string', default: 'packages/agent/dist/main.js' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const ecosystems = (values.ecosystem?.split(',') ?? [...ECOSYSTEMS]) as Ecosystem[];
  const unknown = ecosystems.filter((ecosystem) => !ECOSYSTEMS.includes(ecosystem));
  if (unknown.length > 0) {
    err(`Unknown ecosystem ${unknown.join(', ')}; use ${ECOSYSTEMS.join(', ')}.\n${USAGE}`);
    return 2;
  }
  let tasks = evalTasks(ecosystems);
  if (values.task) {
    const wanted = new Set(values.task);
    tasks = tasks.filter((task) => wanted.has(task.id));
    if (tasks.length === 0) {
      err(
        `No task matches ${[...wanted].join(', ')}; ids look like node-add, python-sum_to, go-Clamp.`,
      );
      return 2;
    }
  }
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1) {
    err(`--trials must be a positive whole number, not "${values.trials}".`);
    return 2;
  }
  if (values.validate) {
    let invalid = 0;
    for (const task of tasks) {
      const problem = await validateTask(task);
      if (problem) invalid += 1;
      out(`${task.id}: ${problem ?? 'valid'}`);
    }
    out(`${tasks.length - invalid} of ${tasks.length} tasks valid`);
    return invalid === 0 ? 0 : 1;
  }
  const agentMain = resolve(values.agent);
  const all: { solver: string; results: EvalResult[] }[] = [];

  let ceiling: EvalResult[] | undefined;
  if (!values.model || !values['skip-oracle']) {
    const recordDir =
      values['record-dir'] === undefined ? undefined : resolve(values['record-dir']);
    if (recordDir) await mkdir(recordDir, { recursive: true });
    ceiling = await runAll(tasks, agentMain, { kind: 'oracle' }, 1, 'oracle', recordDir);
    all.push({ solver: 'oracle', results: ceiling });
    out(formatReport(`Oracle (the pipeline's ceiling), ${tasks.length} tasks:`, ceiling));
  }
  if (values.model) {
    const solver: EvalSolver = {
      kind: 'model',
      type: values.provider,
      model: values.model,
      env: process.env,
    };
    const results = await runAll(tasks, agentMain, solver, trials, values.model);
    all.push({ solver: values.model, results });
    out(
      formatReport(
        `${values.model} (${values.provider}), ${tasks.length} tasks x ${trials} trials:`,
        results,
        ceiling,
      ),
    );
  }
  if (values.json) {
    const withoutOutput = all.map(({ solver, results }) => ({
      solver,
      results: results.map(({ output: _output, ...result }) => result),
    }));
    await writeFile(values.json, `${JSON.stringify(withoutOutput, null, 2)}\n`);
  }
  const oracle = ceiling ? summarize(ceiling) : undefined;
  // The oracle must resolve everything: anything less is a defect of the pipeline or the harness.
  return oracle && oracle.resolved < oracle.runs ? 1 : 0;
}

async function runAll(
  tasks: EvalTask[],
  agentMain: string,
  solver: EvalSolver,
  trials: number,
  label: string,
  recordDir?: string,
): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const task of tasks) {
    for (let trial = 1; trial <= trials; trial += 1) {
      const result = await runEvalTask(task, {
        agentMain,
        solver,
        ...(recordDir ? { record: join(recordDir, `${task.id}.jsonl`) } : {}),
      });
      results.push(result);
      const verdict = result.resolved ? 'resolved' : 'unresolved';
      const suffix = trials > 1 ? ` (trial ${trial}/${trials})` : '';
      err(
        `[${label}] ${task.id}${suffix}: ${verdict}, ${result.turns} turns, ${Math.round(result.durationMs / 100) / 10} s`,
      );
    }
  }
  return results;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(error);
    process.exitCode = 1;
  },
);
