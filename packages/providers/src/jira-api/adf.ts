/** A node of the Atlassian Document Format (Jira Cloud's rich text), as far as we read it. */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: AdfNode[];
}

/** An ADF document (`{ type: 'doc', version: 1, content }`). */
export interface AdfDocument extends AdfNode {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'codeBlock',
  'blockquote',
  'rule',
  'panel',
  'table',
  'mediaSingle',
]);

/** Plain text of an ADF document: one line per paragraph, `- ` / `1. ` for list items. */
export function adfToText(document: unknown): string {
  if (document === null || document === undefined) return '';
  if (typeof document === 'string') return document;
  return blockText(document as AdfNode)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function blockText(node: AdfNode): string {
  const children = node.content ?? [];
  switch (node.type) {
    case 'text':
      return node.text ?? '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'emoji':
      return attribute(node, 'text');
    case 'inlineCard':
      return attribute(node, 'url');
    case 'rule':
      return '---';
    case 'bulletList':
      return children.map((item) => `- ${blockText(item)}`).join('\n');
    case 'orderedList': {
      const start = Number(node.attrs?.['order'] ?? 1);
      return children.map((item, index) => `${start + index}. ${blockText(item)}`).join('\n');
    }
    case 'listItem':
      return children.map(blockText).join('\n');
    default: {
      const inline = children.every((child) => !BLOCKS.has(child.type));
      return children.map(blockText).join(inline ? '' : '\n');
    }
  }
}

function attribute(node: AdfNode, name: string): string {
  const value = node.attrs?.[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Our markdown (headings, lists, fenced code, `**bold**`, `` `code` ``, `[text](url)`) as an
 * ADF document, so that Jira Cloud renders the agent's comments instead of showing the syntax.
 */
export function markdownToAdf(markdown: string): AdfDocument {
  const content: AdfNode[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) content.push({ type: 'paragraph', content: inlineLines(paragraph) });
    paragraph = [];
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*(\d+)[.)]\s+(.*)$/.exec(line);
    if (line.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (
        index += 1;
        index < lines.length && !(lines[index] ?? '').startsWith('```');
        index += 1
      ) {
        code.push(lines[index] ?? '');
      }
      const language = line.slice(3).trim();
      content.push({
        type: 'codeBlock',
        ...(language ? { attrs: { language } } : {}),
        content: code.length > 0 ? [{ type: 'text', text: code.join('\n') }] : [],
      });
    } else if (heading) {
      flush();
      content.push({
        type: 'heading',
        attrs: { level: heading[1]?.length ?? 1 },
        content: inline(heading[2] ?? ''),
      });
    } else if (bullet || numbered) {
      flush();
      const type = bullet ? 'bulletList' : 'orderedList';
      const last = content.at(-1);
      const list: AdfNode =
        last?.type === type
          ? last
          : {
              type,
              ...(numbered ? { attrs: { order: Number(numbered[1]) } } : {}),
              content: [],
            };
      if (list !== last) content.push(list);
      list.content?.push({
        type: 'listItem',
        content: [
          { type: 'paragraph', content: inline((bullet ? bullet[1] : numbered?.[2]) ?? '') },
        ],
      });
    } else if (line.trim() === '') {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return { type: 'doc', version: 1, content };
}

function inlineLines(lines: string[]): AdfNode[] {
  const nodes: AdfNode[] = [];
  lines.forEach((line, index) => {
    if (index > 0) nodes.push({ type: 'hardBreak' });
    nodes.push(...inline(line));
  });
  return nodes;
}

const INLINE = /\*\*(.+?)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(text: string): AdfNode[] {
  const nodes: AdfNode[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push({ type: 'text', text: text.slice(last, match.index) });
    if (match[1] !== undefined) {
      nodes.push({ type: 'text', text: match[1], marks: [{ type: 'strong' }] });
    } else if (match[2] !== undefined) {
      nodes.push({ type: 'text', text: match[2], marks: [{ type: 'code' }] });
    } else {
      nodes.push({
        type: 'text',
        text: match[3] ?? '',
        marks: [{ type: 'link', attrs: { href: match[4] ?? '' } }],
      });
    }
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push({ type: 'text', text: text.slice(last) });
  return nodes;
}

/** Our markdown in Jira Server's wiki markup (REST v2 bodies are wiki text). */
export function markdownToWikiMarkup(markdown: string): string {
  let fenced = false;
  return markdown
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) {
        fenced = !fenced;
        return fenced ? '{code}' : '{code}';
      }
      if (fenced) return line;
      return (
        line
          // `[~name]` and `[~accountid:…]` are mentions in wiki markup: they would notify people.
          .replace(/\[~/g, '\\[~')
          .replace(/^(#{1,6})\s+/, (_, hashes: string) => `h${hashes.length}. `)
          .replace(/^\s*[-*]\s+/, '* ')
          .replace(/^\s*\d+[.)]\s+/, '# ')
          .replace(/\*\*(.+?)\*\*/g, '*$1*')
          .replace(/`([^`]+)`/g, '{{$1}}')
          .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '[$1|$2]')
      );
    })
    .join('\n');
}
