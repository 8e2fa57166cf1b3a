import { SecretSanitizer } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { secretsInDiff } from './outgoing-secrets.js';

const TOKEN = `ghp_${'k2M'.repeat(12)}`;

describe('git/outgoing-secrets', () => {
  it('reports added lines only, with their line numbers in the new file', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1..2 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3 +3 @@',
      `-const old = '${TOKEN}';`,
      "+const token = process.env['GITHUB_TOKEN'];",
      '@@ -10,0 +11,2 @@',
      '+// fine',
      `+const leaked = '${TOKEN}';`,
      'diff --git a/b.txt b/b.txt',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/b.txt',
      '@@ -0,0 +1 @@',
      `++++ ${TOKEN}`,
    ].join('\n');

    expect(secretsInDiff(diff, new SecretSanitizer())).toEqual([
      { file: 'src/a.ts', line: 12, kind: 'a GitHub token' },
      { file: 'b.txt', line: 1, kind: 'a GitHub token' },
    ]);
  });

  it('finds nothing in a diff without secrets', () => {
    const diff = 'diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n';

    expect(secretsInDiff(diff, new SecretSanitizer(['some-known-value']))).toEqual([]);
  });
});
