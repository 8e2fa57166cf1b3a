// Records the model session `agentsmith demo` replays (packages/agent/demo/recording.jsonl) with
// the product's own `--record`: the built agent runs "fix #1 in demo" on a fresh demo workspace
// against the fake Anthropic server of packages/testkit, scripted to fix the bug the way a good
// model would (search, read, edit, run the tests, finish). Run it again whenever a change to the
// coding loop makes the demo's replay diverge, and review the diff (docs/recordings.md).
// Usage: npm run build && node scripts/record-demo-session.mjs
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { demoBundle } from '../packages/agent/dist/demo/demo-bundle.js';
import { prepareDemo } from '../packages/agent/dist/demo/prepare-demo.js';
import { FakeLlmApi } from '../packages/testkit/dist/index.js';

const AGENT_MAIN = resolve(import.meta.dirname, '../packages/agent/dist/main.js');
const bundle = demoBundle();
const root = await mkdtemp(join(tmpdir(), 'agentsmith-demo-record-'));
const llm = await FakeLlmApi.start();
try {
  const workspace = await prepareDemo(bundle, root, process.env);
  const finish = {
    text: 'The test passes now.',
    toolCalls: [
      { name: 'finish', input: { summary: 'add() now adds: `a + b` instead of `a - b`.' } },
    ],
  };
  llm.script(
    {
      text: 'Looking for the add function the ticket names.',
      toolCalls: [{ name: 'search_files', input: { pattern: 'function add' } }],
    },
    {
      text: 'Reading src/math.js.',
      toolCalls: [{ name: 'read_file', input: { path: 'src/math.js' } }],
    },
    {
      text: 'add() returns a - b; it should return a + b.',
      toolCalls: [
        {
          name: 'edit_file',
          input: { path: 'src/math.js', old_text: 'return a - b;', new_text: 'return a + b;' },
        },
      ],
    },
    {
      text: 'Running the tests.',
      toolCalls: [{ name: 'run_command', input: { command: 'npm test' } }],
    },
    // The finish gate may send the model back once; the recording keeps only the turns used.
    finish,
    finish,
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [AGENT_MAIN, '--config', workspace.configPath, '--record', bundle.recording, 'fix #1 in demo'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: root,
        ANTHROPIC_API_KEY: 'fake-llm-key-demo',
        ANTHROPIC_BASE_URL: llm.baseUrl,
        AGENTSMITH_WORKDIR: workspace.workdir,
      },
    },
  );
  process.stdout.write(stdout);
  // --record writes mode 600 (a recording may hold secrets); this one is shipped, readable by the
  // image's non-root user, and holds only the fake server's answers.
  await chmod(bundle.recording, 0o644);
  console.log(`recorded ${bundle.recording}`);
} finally {
  await llm.stop();
  await rm(root, { recursive: true, force: true });
}
