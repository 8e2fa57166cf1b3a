import { cleanPlainText, mrkdwn, type Mrkdwn } from './mrkdwn.js';

/**
 * Slack's Block Kit limits for messages (docs.slack.dev/reference/block-kit): what Slack refuses
 * with `invalid_blocks` or `msg_too_long` when exceeded. Builders below truncate to them, and say
 * they did.
 */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  contextElements: 10,
  contextText: 3000,
  headerText: 150,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  /** Slack truncates above 40,000 characters and advises 4,000 for the `text` field. */
  fallbackText: 4000,
} as const;

// A type-only brand: blocks and messages come from these builders, so their text went through
// mrkdwn.ts. It costs nothing at run time and is invisible in the JSON Slack receives.
declare const BUILT: unique symbol;

/** A block made by this module's builders (a renderer cannot hand-write one). */
export interface Block {
  readonly [BUILT]: true;
  readonly type: string;
}

/** A Slack message: escaped fallback text plus Block Kit blocks within every limit. */
export interface ChatMessage {
  readonly [BUILT]: true;
  readonly text: string;
  readonly blocks: readonly Block[];
}

const ELLIPSIS = '…';
const ENTITY_TAIL = /&[a-z]{0,3}$/;

/**
 * `source` cut to at most `max` characters (UTF-16 code units, never fewer than Slack counts),
 * with a note of how much was left out. The cut never splits a surrogate pair, an `&amp;`-style
 * entity or one of our own `<…>` links, and closes a code block left open.
 */
export function fitText(source: string, max: number): string {
  if (source.length <= max) return source;
  const note = (dropped: number) => `${ELLIPSIS} _(truncated: ${dropped} more characters)_`;
  const kept = source.slice(0, safeCut(source, max - note(source.length).length - 5));
  const fence = openFence(kept) ? '\n```' : '';
  return `${kept}${fence}\n${note(source.length - kept.length)}`;
}

/**
 * The largest index ≤ `limit` where `source` may be cut: not inside a surrogate pair, an entity
 * (`&amp;`) or one of our own `<…>` links and mentions (every `<` in our mrkdwn is ours: external
 * ones are escaped). Prefers a line break in the last fifth.
 */
function safeCut(source: string, limit: number): number {
  let cut = Math.max(0, Math.min(limit, source.length));
  if (cut === source.length) return cut;
  if (/[\ud800-\udbff]/.test(source.charAt(cut - 1))) cut -= 1;
  const kept = source.slice(0, cut);
  const entity = ENTITY_TAIL.exec(kept);
  if (entity) cut = entity.index;
  const open = kept.lastIndexOf('<', cut - 1);
  if (open >= 0 && open > kept.lastIndexOf('>', cut - 1)) cut = open;
  const newline = source.lastIndexOf('\n', cut - 1);
  return newline > cut * 0.8 ? newline + 1 : cut;
}

function openFence(text: string): boolean {
  return (text.match(/```/g) ?? []).length % 2 === 1;
}

/**
 * Long text as consecutive sections of at most 3000 characters each (a plan to approve must be
 * read whole), at most `maxSections`; beyond that the last one says what was left out. A code
 * block cut between two sections is closed and reopened.
 */
export function sections(text: Mrkdwn, maxSections: number): Block[] {
  const max = BLOCK_KIT_LIMITS.sectionText;
  const blocks: Block[] = [];
  let rest = text.source;
  while (rest.length > max && blocks.length < maxSections - 1) {
    const cut = safeCut(rest, max - 4);
    if (cut === 0) break;
    let chunk = rest.slice(0, cut);
    rest = rest.slice(cut);
    if (openFence(chunk)) {
      chunk += '\n```';
      rest = '```\n' + rest;
    }
    blocks.push(sectionOf(chunk));
  }
  blocks.push(sectionOf(rest));
  return blocks;
}

function nonEmpty(text: string, empty: string): string {
  return text.trim() === '' ? empty : text;
}

function built<T extends { type: string }>(block: T): T & Block {
  return block as T & Block;
}

/** `source` is mrkdwn that came out of a {@link Mrkdwn} (or a cut of one); never external text. */
function mrkdwnObject(source: string, max: number) {
  // verbatim: Slack does not auto-link URLs or channel names in our text; only our own <…> links.
  return {
    type: 'mrkdwn' as const,
    text: nonEmpty(fitText(source, max), '_(empty)_'),
    verbatim: true,
  };
}

export function section(text: Mrkdwn): Block {
  return sectionOf(text.source);
}

function sectionOf(source: string): Block {
  return built({ type: 'section', text: mrkdwnObject(source, BLOCK_KIT_LIMITS.sectionText) });
}

/** A context block of up to ten mrkdwn elements (more are dropped with a note). */
export function context(...elements: Mrkdwn[]): Block {
  const max = BLOCK_KIT_LIMITS.contextElements;
  const shown =
    elements.length <= max
      ? elements
      : [...elements.slice(0, max - 1), mrkdwn`_(${elements.length - max + 1} more not shown)_`];
  return built({
    type: 'context',
    elements: shown.map((element) => mrkdwnObject(element.source, BLOCK_KIT_LIMITS.contextText)),
  });
}

function plainFit(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\ud800-\udbff]/.test(text.charAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut)}${ELLIPSIS}`;
}

export interface ButtonInput {
  actionId: string;
  /** Shown as plain text, cut to 75 characters with an ellipsis. */
  text: string;
  /** Sent back on click; must fit (2000 characters): a button whose value does not fit is dropped. */
  value: string;
  style?: 'primary' | 'danger';
}

function button(input: ButtonInput) {
  return {
    type: 'button' as const,
    action_id: input.actionId.slice(0, BLOCK_KIT_LIMITS.actionId),
    text: {
      type: 'plain_text' as const,
      text: nonEmpty(plainFit(cleanPlainText(input.text), BLOCK_KIT_LIMITS.buttonText), '-'),
    },
    value: input.value,
    ...(input.style ? { style: input.style } : {}),
  };
}

/**
 * An actions block of buttons, or undefined when none can be shown. A button whose value is
 * longer than Slack allows is left out rather than sent with a cut value that would mean
 * something else when clicked.
 */
export function actions(buttons: readonly ButtonInput[], blockId?: string): Block | undefined {
  const fitting = buttons
    .filter((input) => input.value.length <= BLOCK_KIT_LIMITS.buttonValue)
    .slice(0, BLOCK_KIT_LIMITS.actionsElements);
  if (fitting.length === 0) return undefined;
  if (blockId !== undefined && blockId.length > BLOCK_KIT_LIMITS.blockId) return undefined;
  return built({
    type: 'actions',
    ...(blockId !== undefined ? { block_id: blockId } : {}),
    elements: fitting.map(button),
  });
}

/**
 * A message: at most 50 blocks (the last shown one says how many were left out) and a fallback
 * text (notifications, screen readers) cut to 4,000 characters.
 */
export function chatMessage(
  fallback: Mrkdwn,
  blocks: ReadonlyArray<Block | undefined>,
): ChatMessage {
  const present = blocks.filter((block): block is Block => block !== undefined);
  const max = BLOCK_KIT_LIMITS.blocksPerMessage;
  const shown =
    present.length <= max
      ? present
      : [
          ...present.slice(0, max - 1),
          context(mrkdwn`_(${present.length - max + 1} more blocks not shown)_`),
        ];
  const text = nonEmpty(fitText(fallback.source, BLOCK_KIT_LIMITS.fallbackText), '-');
  return { text, blocks: shown } as unknown as ChatMessage;
}
