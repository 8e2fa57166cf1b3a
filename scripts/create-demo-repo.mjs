// Creates the git repository of the local `demo` project of config/agentsmith.example.yml:
// a tiny Node package with the bug of config/tickets/1-add-subtracts.md and a failing test.
// Usage: node scripts/create-demo-repo.mjs [folder]   (default $AGENTSMITH_DEMO_REPO or /tmp/agentsmith-demo)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = process.argv[2] ?? process.env.AGENTSMITH_DEMO_REPO ?? '/tmp/agentsmith-demo';
if (existsSync(join(folder, '.git'))) {
  console.log(`${folder} is already a git repository; leaving it as it is.`);
  process.exit(0);
}
const files = {
  'package.json': `${JSON.stringify({ name: 'agentsmith-demo', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n',
  'test/math.test.js':
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\ntest('add adds', () => {\n  assert.equal(add(2, 3), 5);\n});\n",
  'README.md': '# agentsmith demo\n\nA tiny repository for trying Agent Smith locally.\n',
};
for (const [path, content] of Object.entries(files)) {
  mkdirSync(join(folder, path, '..'), { recursive: true });
  writeFileSync(join(folder, path), content);
}
const git = (...args) => execFileSync('git', args, { cwd: folder, stdio: 'inherit' });
git('init', '--quiet', '--initial-branch=main');
git('add', '--all');
git(
  '-c',
  'user.name=Agent Smith demo',
  '-c',
  'user.email=demo@agentsmith.local',
  'commit',
  '--quiet',
  '-m',
  'demo project',
);
console.log(`created ${folder} (branch main) with a failing test: cd ${folder} && npm test`);
