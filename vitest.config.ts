import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (the `@agentsmith/source` export condition),
// so unit tests never need a build. E2E tests run the built CLI and need `npm run build` first.
const conditions = ['@agentsmith/source', 'module', 'node', 'import', 'default'];
const resolve = { conditions };
const ssr = { resolve: { conditions, externalConditions: conditions } };
const slowTiers = [
  '**/*.int.test.ts',
  '**/*.docker.test.ts',
  '**/*.e2e.test.ts',
  '**/*.chaos.test.ts',
];
// `expect.poll` is the one way tests wait for another process or the event loop; these defaults
// fit the slower tiers (a test passes a longer `timeout` where it needs one).
const poll = { timeout: 20_000, interval: 25 };

export default defineConfig({
  resolve,
  ssr,
  test: {
    unstubEnvs: true,
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...slowTiers],
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'packages/*/src/**/*.docker.test.ts'],
          fileParallelism: false,
          expect: { poll },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve,
        ssr,
        test: {
          // `npm run test:chaos` (scripts/run-chaos.mjs); not part of `npm test`.
          name: 'chaos',
          include: ['packages/*/test/chaos/**/*.chaos.test.ts'],
          fileParallelism: false,
          expect: { poll: { ...poll, interval: 250 } },
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'e2e',
          include: ['packages/*/test/e2e/**/*.e2e.test.ts'],
          fileParallelism: false,
          expect: { poll: { ...poll, interval: 100 } },
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
