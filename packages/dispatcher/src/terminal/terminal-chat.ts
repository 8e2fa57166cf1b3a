import type { SecretSanitizer } from '@agentsmith/kit';
import type { ChatSurface } from '../jobs/chat-surface.js';
import type { Notice } from '../jobs/notices.js';
import type { ChatPerson } from '../jobs/people-directory.js';
import type { Block } from '../slack/block-kit.js';
import { renderNotice } from '../slack/message-blocks.js';

/** The one person and workspace of a terminal chat. */
export const TERMINAL_TEAM = 'terminal';

/**
 * A chat that is the terminal: each notice is rendered as Slack would show it (the same renderers,
 * so escaping and limits are the same) and printed as plain lines, a thread's replies indented
 * under it. An edit prints the message again only when its text changed.
 */
export class TerminalChat implements ChatSurface {
  readonly #print: (line: string) => void;
  readonly #sanitizer: SecretSanitizer;
  readonly #onNotice: ((notice: Notice) => void) | undefined;
  readonly #shown = new Map<string, string>();
  #next = 1;

  constructor(options: {
    print: (line: string) => void;
    sanitizer: SecretSanitizer;
    /** Sees every notice after it was printed (the demo waits for the final card). */
    onNotice?: (notice: Notice) => void;
  }) {
    this.#print = options.print;
    this.#sanitizer = options.sanitizer;
    this.#onNotice = options.onNotice;
  }

  readonly notifier = {
    post: (channelId: string, notice: Notice, threadTs?: string): Promise<string> => {
      const ts = `${this.#next++}.000000`;
      this.#show(ts, notice, threadTs === undefined ? '' : '  ');
      return Promise.resolve(ts);
    },
    update: (_channelId: string, ts: string, notice: Notice): Promise<void> => {
      this.#show(ts, notice, '  ');
      return Promise.resolve();
    },
  };

  readonly directory = {
    person: (userId: string): Promise<ChatPerson> =>
      Promise.resolve({
        userId,
        teamId: TERMINAL_TEAM,
        guest: undefined,
        stranger: false,
        deleted: false,
        bot: false,
      }),
    groupMembers: (): Promise<ReadonlySet<string>> => Promise.resolve(new Set()),
    homeTeamId: (): Promise<string | undefined> => Promise.resolve(TERMINAL_TEAM),
    workspaceUrl: (): Promise<string | undefined> => Promise.resolve(undefined),
  };

  #show(ts: string, notice: Notice, indent: string): void {
    const text = plainText(renderNotice(this.#sanitizer.sanitizeStrings(notice)).blocks);
    if (this.#shown.get(ts) !== text) {
      this.#shown.set(ts, text);
      for (const line of text.split('\n')) this.#print(`${indent}${line}`);
    }
    this.#onNotice?.(notice);
  }
}

/** What a person reads in the blocks, without Slack's markup. */
export function plainText(blocks: readonly Block[]): string {
  const lines: string[] = [];
  for (const block of blocks) {
    const shown = block as {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
      elements?: { text?: string | { text: string } }[];
    };
    if (shown.text) lines.push(shown.text.text);
    for (const field of shown.fields ?? []) lines.push(field.text);
    const elements = (shown.elements ?? []).map((element) =>
      typeof element.text === 'string' ? element.text : element.text?.text,
    );
    const texts = elements.filter((text): text is string => text !== undefined);
    if (shown.type === 'actions') lines.push(texts.map((label) => `[${label}]`).join(' '));
    else if (texts.length > 0) lines.push(texts.join(' '));
  }
  return lines.map(withoutMarkup).join('\n').trim();
}

/** Control characters but the newline and tab: a ticket's or a model's text must not drive the terminal. */
// eslint-disable-next-line no-control-regex -- matching them is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Slack's links `<url|label>` as `label (url)`, its escapes undone, terminal controls removed. */
function withoutMarkup(text: string): string {
  return text
    .replace(TERMINAL_CONTROLS, '')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<([^>]+)>/g, '$1')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
