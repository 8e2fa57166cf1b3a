import { describe, expect, it } from 'vitest';
import { escapeHtml, link, safeHttpUrl } from './html.js';

describe('escapeHtml', () => {
  it('turns markup, quotes and backticks into text', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y' \`z\``)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;z&#96;',
    );
  });

  it('cannot break out of a quoted attribute', () => {
    const attribute = `<a title="${escapeHtml('" onmouseover="alert(1)')}">`;
    expect(attribute).toBe('<a title="&quot; onmouseover=&quot;alert(1)">');
    expect(attribute.match(/"/g)).toHaveLength(2);
  });
});

describe('safeHttpUrl and link', () => {
  it('keeps http and https links', () => {
    expect(safeHttpUrl('https://github.com/acme/shop/pull/7')).toBe(
      'https://github.com/acme/shop/pull/7',
    );
    expect(link('http://example.test/a?b=1&c="2"', 'PR')).toBe(
      '<a href="http://example.test/a?b=1&amp;c=%222%22" target="_blank" rel="noopener noreferrer">PR</a>',
    );
  });

  it('refuses javascript:, data: and relative URLs, keeping only the escaped text', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.test/x',
      '/jobs',
      '',
      undefined,
    ]) {
      expect(safeHttpUrl(url)).toBeUndefined();
      expect(link(url, '<b>PR</b>')).toBe('&lt;b&gt;PR&lt;/b&gt;');
    }
  });
});
