import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MANIFEST_BOT_SCOPES } from './slack-checks.js';

describe('doctor/slack-checks', () => {
  it('asks for exactly the bot scopes deploy/slack-app-manifest.yml lists', () => {
    const manifest = readFileSync(
      new URL('../../../../deploy/slack-app-manifest.yml', import.meta.url),
      'utf8',
    );
    const botBlock = /^ {4}bot:\n((?: {6}(?:- .*|#.*)\n)+)/m.exec(manifest)?.[1] ?? '';
    const scopes = [...botBlock.matchAll(/^ {6}- (\S+)/gm)].map((match) => match[1]);
    expect(scopes.length).toBeGreaterThan(0);
    expect([...MANIFEST_BOT_SCOPES].sort()).toEqual(scopes.sort());
  });
});
