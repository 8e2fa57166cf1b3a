// Row 7: repository analysis on a generated repository of 50,000 files: the coding loop's
// `list_files` and `search_files` tools beside `git ls-files` and `git grep` (their floors), and the
// code map (files ranked by the ticket's words, top-level symbols read from at most 300 files).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildCodeMap, Workspace } from '../packages/agent/dist/llm/index.js';
import { listFilesTool } from '../packages/agent/dist/llm/tools/list-files.js';
import { searchFilesTool } from '../packages/agent/dist/llm/tools/search-files.js';
import { ReadCache } from '../packages/agent/dist/llm/tools/read-cache.js';
import { median, recordRow } from './lib/results.mjs';

const DIRECTORIES = 500;
const FILES_PER_DIRECTORY = 100;
const REPEATS = 3;

async function timed(task) {
  const samples = [];
  for (let index = 0; index < REPEATS; index += 1) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  return samples;
}

const root = await mkdtemp(join(tmpdir(), 'agentsmith-bench-map-'));
try {
  for (let d = 0; d < DIRECTORIES; d += 1) {
    const directory = join(root, 'src', `module${d}`);
    await mkdir(directory, { recursive: true });
    for (let f = 0; f < FILES_PER_DIRECTORY; f += 1) {
      const source = `export function handler${f}() {}\nexport class Thing${f} {}\n`;
      await writeFile(join(directory, `file${d * FILES_PER_DIRECTORY + f}.ts`), source);
    }
  }
  execFileSync('git', ['init', '--quiet'], { cwd: root });
  execFileSync('git', ['add', '--all'], { cwd: root });
  const git = (...args) =>
    execFileSync('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });

  const workspace = await Workspace.open(root);
  const context = {
    workspace,
    signal: new AbortController().signal,
    readCache: new ReadCache(),
    commandEnvironment: {},
    commandTimeoutMs: 60_000,
  };
  // A pattern in 500 files of 50,000 (one line each); search_files stops at 200 matches.
  const pattern = 'class Thing42\\b';
  const run = async (tool, input) => {
    const result = await tool.execute(input, context);
    if (result.isError) throw new Error(result.output);
  };
  // Warm the page cache and git's index once before timing.
  git('ls-files');
  await run(listFilesTool, {});
  const listFloor = await timed(() => git('ls-files'));
  const list = await timed(() => run(listFilesTool, {}));
  // The working-tree part of the listing, for the explanation: the two git commands the tool
  // runs side by side (the walk for untracked files, an lstat per tracked file).
  const walk = await timed(() =>
    git('ls-files', '-z', '-t', '--cached', '--others', '--exclude-standard', '--deduplicate'),
  );
  const deleted = await timed(() => git('ls-files', '-z', '--deleted'));
  const grepFloor = await timed(() => git('grep', '-n', '-E', 'class Thing42\\b'));
  const search = await timed(() => run(searchFilesTool, { pattern }));

  const listRatio = median(list) / median(listFloor);
  recordRow({
    row: 7,
    measure: '`list_files` on a generated 50,000-file repository',
    statistic: 'median',
    unit: 'ms',
    value: median(list),
    floor: median(listFloor),
    floorLabel: '`git ls-files`',
    target: '≤ 2× the floor',
    met: listRatio <= 2,
    why: '`list_files` (llm/tools/working-tree.ts) must look at the working tree, which the floor never does: untracked files need git to walk every folder (`git ls-files --others --exclude-standard`) and deleted tracked files an `lstat` of each of the 50,000 paths (`git ls-files --deleted`); the two git commands alone take several times the floor (see the details), the tool adds little beside them',
    samples: { list_files: list, 'git ls-files': listFloor },
    details: [
      `${REPEATS} runs each`,
      `in the same run: \`git ls-files --cached --others --exclude-standard\` ${median(walk).toFixed(1)} ms, \`git ls-files --deleted\` ${median(deleted).toFixed(1)} ms (the tool runs both side by side)`,
    ],
  });
  const searchRatio = median(search) / median(grepFloor);
  recordRow({
    row: 7,
    measure: '`search_files` on a generated 50,000-file repository',
    statistic: 'median',
    unit: 'ms',
    value: median(search),
    floor: median(grepFloor),
    floorLabel: '`git grep`',
    target: '≤ 2× the floor',
    met: searchRatio <= 2,
    why: '`search_files` (llm/tools/search-files.ts) lists the working tree beside `git grep -F` for a literal every match needs, then runs the JavaScript regular expression on the files git found and on those git grep does not read (untracked files, symbolic links inside the workspace); a pattern without such a literal is still read file by file in JavaScript',
    samples: { search_files: search, 'git grep': grepFloor },
    details: [
      `${REPEATS} runs each, pattern /${pattern}/ (one line in 500 files; the tool stops at 200 matches)`,
    ],
  });

  const started = performance.now();
  const files = await workspace.listFiles('.');
  const map = await buildCodeMap(root, files, { ticketText: 'handler of module42 crashes' });
  console.log(
    `code map: ${files.length} files, map built in ${(performance.now() - started).toFixed(0)} ms (${map.length} characters, ~${Math.round(map.length / 3.5)} tokens)`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
