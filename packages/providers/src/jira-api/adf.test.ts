import { describe, expect, it } from 'vitest';
import { adfToText, markdownToAdf, markdownToWikiMarkup } from './adf.js';

describe('jira-api/adf', () => {
  it('reads a Jira Cloud description as text: paragraphs, breaks, lists, mentions, code', () => {
    const description = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Steps' },
            { type: 'hardBreak' },
            { type: 'text', text: 'by ' },
            { type: 'mention', attrs: { text: '@ana' } },
          ],
        },
        {
          type: 'orderedList',
          content: [
            {
              type: 'listItem',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'save' }] }],
            },
            {
              type: 'listItem',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'crash' }] }],
            },
          ],
        },
        { type: 'codeBlock', content: [{ type: 'text', text: 'sum(2, 2)' }] },
      ],
    };

    expect(adfToText(description)).toEqual('Steps\nby @ana\n1. save\n2. crash\nsum(2, 2)');
    expect(adfToText(null)).toEqual('');
  });

  it('turns our markdown into ADF that reads back as the same text', () => {
    const markdown =
      '## Agent Smith - Failed\n\n**Step:** TestCommand (8/9)\nsee [log](https://x/log)\n\n```js\nsum()\n```\n\n1. one\n2. two';

    const adf = markdownToAdf(markdown);

    expect(adf.content.map((node) => node.type)).toEqual([
      'heading',
      'paragraph',
      'codeBlock',
      'orderedList',
    ]);
    expect(adf.content[1]?.content).toEqual([
      { type: 'text', text: 'Step:', marks: [{ type: 'strong' }] },
      { type: 'text', text: ' TestCommand (8/9)' },
      { type: 'hardBreak' },
      { type: 'text', text: 'see ' },
      { type: 'text', text: 'log', marks: [{ type: 'link', attrs: { href: 'https://x/log' } }] },
    ]);
    expect(adfToText(adf)).toEqual(
      'Agent Smith - Failed\nStep: TestCommand (8/9)\nsee log\nsum()\n1. one\n2. two',
    );
  });

  it('writes wiki markup for Jira Server', () => {
    expect(markdownToWikiMarkup('## Done\n**PR:** [link](https://x)\n- `a.ts`\n1. step')).toEqual(
      'h2. Done\n*PR:* [link|https://x]\n* {{a.ts}}\n# step',
    );
  });

  it('never writes a Jira Server mention', () => {
    expect(markdownToWikiMarkup('cc [~admin] and [~accountid:5b10a2844c20165700ede21g]')).toBe(
      'cc \\[~admin] and \\[~accountid:5b10a2844c20165700ede21g]',
    );
  });
});
