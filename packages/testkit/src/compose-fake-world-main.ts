// Entry point of the `fakes` container (deploy/test/Dockerfile.fakes); test-only.
import { startComposeFakeWorld } from './compose-fake-world.js';

const world = await startComposeFakeWorld({
  token: process.env['FAKE_GITHUB_TOKEN'] ?? 'ghp_compose_e2e_token',
  repository: process.env['FAKE_GITHUB_REPO'] ?? 'acme/agent-smith-test',
  ...(process.env['FAKE_SLACK_JOURNAL'] ? { slackJournal: process.env['FAKE_SLACK_JOURNAL'] } : {}),
});
process.stdout.write('fakes ready\n');
process.on('SIGTERM', () => {
  void world.close().finally(() => process.exit(0));
});
