/*
 * Markdown the agent writes to a git host or tracker (a pull request's body, a ticket comment)
 * carries text a ticket's author or the model chose. There, `@name`, `@org/team` or `@all`
 * (GitHub, GitLab) and `@<id>` (Azure DevOps) notify people: a hostile ticket could make the
 * agent page a whole organisation. Mentions inside code do not notify, so each one outside code
 * is put in a code span; fenced blocks and existing code spans are left as they are.
 */

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;
// A mention starts a word: `me@example.com` and `a/@b` are no mentions.
const MENTION =
  /(^|[^\w`\\/@])(@(?:<[^>\n]{1,100}>|[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9_])?(?:\/[A-Za-z0-9_.-]{1,100})?))/g;

/** `text` with every `@mention` outside code wrapped in a code span, so nobody is notified. */
export function withoutMentions(text: string): string {
  let fence: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const marker = FENCE.exec(line)?.[1];
      if (fence !== undefined) {
        if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length)
          fence = undefined;
        return line;
      }
      if (marker !== undefined) {
        fence = marker;
        return line;
      }
      return outsideCodeSpans(line, (part) =>
        part.replace(MENTION, (_, before: string, mention: string) => `${before}\`${mention}\``),
      );
    })
    .join('\n');
}

function outsideCodeSpans(line: string, change: (part: string) => string): string {
  let result = '';
  let last = 0;
  for (const span of line.matchAll(CODE_SPAN)) {
    result += change(line.slice(last, span.index)) + span[0];
    last = span.index + span[0].length;
  }
  return result + change(line.slice(last));
}
