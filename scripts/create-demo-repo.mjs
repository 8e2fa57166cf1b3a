// Creates the git repository of the local `demo` project of config/agentsmith.example.yml from the
// sample `agentsmith demo` uses (packages/agent/demo/repository): a tiny Node package with the bug
// of config/tickets/1-add-subtracts.md and a failing test.
// Usage: node scripts/create-demo-repo.mjs [folder]   (default $AGENTSMITH_DEMO_REPO or /tmp/agentsmith-demo)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SAMPLE = resolve(import.meta.dirname, '../packages/agent/demo/repository');
const folder = process.argv[2] ?? process.env.AGENTSMITH_DEMO_REPO ?? '/tmp/agentsmith-demo';
if (existsSync(join(folder, '.git'))) {
  console.log(`${folder} is already a git repository; leaving it as it is.`);
  process.exit(0);
}
cpSync(SAMPLE, folder, { recursive: true });
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
