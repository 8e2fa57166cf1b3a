import { describe, expect, it } from 'vitest';
import { withoutMentions } from './without-mentions.js';

describe('markdown/withoutMentions', () => {
  it('puts GitHub and GitLab mentions, teams and @all in code spans', () => {
    expect(withoutMentions('cc @octocat and @acme/security, also @all.')).toBe(
      'cc `@octocat` and `@acme/security`, also `@all`.',
    );
    expect(withoutMentions('@here at the start\n(@someone) in brackets')).toBe(
      '`@here` at the start\n(`@someone`) in brackets',
    );
  });

  it('puts Azure DevOps mentions (@<id>) in code spans', () => {
    expect(withoutMentions('ping @<6A2D1C3B-0000-4000-8000-000000000001> now')).toBe(
      'ping `@<6A2D1C3B-0000-4000-8000-000000000001>` now',
    );
  });

  it('leaves e-mail addresses, paths and scoped package names alone', () => {
    const text = 'mail me@example.com, see docs/@types and a\\@b';
    expect(withoutMentions(text)).toBe(text);
  });

  it('leaves code spans and fenced blocks as they are', () => {
    const text = [
      'Install `@types/node` first.',
      '```ts',
      "import x from '@scope/pkg'; // @octocat",
      '```',
      '~~~',
      '@inside-tilde-fence',
      '~~~',
      'but @outside is wrapped',
    ].join('\n');
    expect(withoutMentions(text).split('\n')).toEqual([
      'Install `@types/node` first.',
      '```ts',
      "import x from '@scope/pkg'; // @octocat",
      '```',
      '~~~',
      '@inside-tilde-fence',
      '~~~',
      'but `@outside` is wrapped',
    ]);
  });

  it('treats an unclosed fence as code to the end, like the renderers do', () => {
    expect(withoutMentions('```\n@a\n@b')).toBe('```\n@a\n@b');
  });

  it('wraps mentions next to markdown emphasis and at line ends', () => {
    expect(withoutMentions('**@lead** please\nthanks @reviewer')).toBe(
      '**`@lead`** please\nthanks `@reviewer`',
    );
  });
});
