// The coding loop's code map on a repository of 50,000 files: the git listing and the map itself
// (files ranked by the ticket's words, top-level symbols read from at most 300 files).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildCodeMap, Workspace } from '../packages/agent/dist/llm/index.js';

const DIRECTORIES = 500;
const FILES_PER_DIRECTORY = 100;

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

  const started = performance.now();
  const files = await (await Workspace.open(root)).listFiles('.');
  const listed = performance.now();
  const map = await buildCodeMap(root, files, { ticketText: 'handler of module42 crashes' });
  const mapped = performance.now();
  console.log(
    `code map: ${files.length} files listed in ${(listed - started).toFixed(0)} ms, map built in ${(mapped - listed).toFixed(0)} ms (${map.length} characters, ~${Math.round(map.length / 3.5)} tokens)`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
