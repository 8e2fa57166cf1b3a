/** Makes a {@link Mrkdwn} of text already known to be safe: deliberately not exported. */
let trusted: (source: string) => Mrkdwn;

/**
 * Slack mrkdwn the dispatcher wrote itself. External text (ticket titles, summaries, errors, test
 * output, project names, URLs, what people typed) can enter it only through {@link mrkdwn} or
 * {@link plain}, which escape it, so it can never form a mention, a link or a channel reference
 * (docs/security.md#output-hygiene). Blocks accept nothing else (see block-kit.ts).
 */
export class Mrkdwn {
  readonly #source: string;

  private constructor(source: string) {
    this.#source = source;
  }

  /** The mrkdwn source, for the block builders. */
  get source(): string {
    return this.#source;
  }

  static {
    trusted = (source) => new Mrkdwn(source);
  }
}

/** What {@link mrkdwn} accepts: trusted mrkdwn as it is; strings and numbers escaped. */
export type MrkdwnPart = Mrkdwn | string | number;

// C0/C1 controls and separators that Slack renders oddly or that hide text; tab and newline stay.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;
// Bidirectional overrides can make a shown URL read differently from the real one.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
/** Broadcast words Slack turns into mentions when asked to link names; also as a word prefix, as a cut may end one there. */
const BROADCAST_WORDS = /@(channel|here|everyone)/gi;
const WORD_JOINER = '\u2060';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Well-formed unicode (a lone surrogate is not valid UTF-8 for Slack) without hidden controls. */
export function cleanPlainText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(CONTROL_CHARACTERS, '')
    .replace(BIDI_CONTROLS, '');
}

/**
 * External text made safe for mrkdwn: well-formed unicode, no control characters, `&`, `<` and
 * `>` as entities (the only way Slack forms mentions and links), and `@channel`, `@here`,
 * `@everyone` broken by an invisible word joiner.
 */
export function escapeMrkdwn(text: string): string {
  return cleanPlainText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST_WORDS, `@${WORD_JOINER}$1`);
}

function part(value: MrkdwnPart): string {
  return value instanceof Mrkdwn ? value.source : escapeMrkdwn(String(value));
}

/**
 * The one way to write mrkdwn: the template's literal parts are ours and kept as written; every
 * interpolated string or number is escaped; a {@link Mrkdwn} value is inserted as it is.
 *
 * ```ts
 * mrkdwn`:x: *Job ${jobId} failed* at ${stepName}\n${reason}`
 * ```
 */
export function mrkdwn(literals: TemplateStringsArray, ...values: MrkdwnPart[]): Mrkdwn {
  let source = literals[0] ?? '';
  values.forEach((value, index) => {
    source += part(value) + (literals[index + 1] ?? '');
  });
  return trusted(source);
}

/** External text as mrkdwn, escaped. */
export function plain(text: string): Mrkdwn {
  return trusted(escapeMrkdwn(text));
}

/** Parts joined by a separator (itself escaped when it is a string). */
export function joinMd(parts: readonly MrkdwnPart[], separator: MrkdwnPart): Mrkdwn {
  return trusted(parts.map(part).join(part(separator)));
}

/** Inline code of external text: escaped, and a backtick inside cannot end the span early. */
export function code(text: string): Mrkdwn {
  return trusted(`\`${escapeMrkdwn(text.replace(/`/g, 'ˋ')) || ' '}\``);
}

/** A code block of external text (test output): escaped; a ``` inside cannot close it. */
export function codeBlock(text: string): Mrkdwn {
  return trusted(`\`\`\`\n${escapeMrkdwn(text.replace(/```/g, 'ˋˋˋ'))}\n\`\`\``);
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{1,30}$/;

/** A mention of a Slack user id from Slack's own payload; anything else is shown as text. */
export function userMention(userId: string): Mrkdwn {
  return SLACK_USER_ID.test(userId) ? trusted(`<@${userId}>`) : plain(userId);
}

/**
 * A link to `url` labelled `label`, only when `url` is an https address under `allowedPrefix`
 * (e.g. the project's repository, `https://github.com/org/repo/`); anything else is shown as plain
 * text, never as a link. The URL must be one Slack cannot misparse (`|`, `<`, `>` or spaces in it
 * would let it change the label or append a mention).
 */
export function linkWithin(
  url: string,
  label: string,
  allowedPrefix: string | undefined,
): { linked: boolean; text: Mrkdwn } {
  const safe = allowedPrefix !== undefined && isWithin(url, allowedPrefix);
  return safe
    ? { linked: true, text: trusted(`<${url}|${escapeMrkdwn(label)}>`) }
    : { linked: false, text: plain(url) };
}

function isWithin(url: string, allowedPrefix: string): boolean {
  if (!URL.canParse(url) || !URL.canParse(allowedPrefix)) return false;
  if (/[\s|<>"`\\^{}]/.test(url)) return false;
  const target = new URL(url);
  const allowed = new URL(allowedPrefix);
  if (target.protocol !== 'https:' || allowed.protocol !== 'https:') return false;
  if (target.username || target.password) return false;
  if (target.host.toLowerCase() !== allowed.host.toLowerCase()) return false;
  // The URL as written must be the URL as parsed: no `..`, no encoded tricks in the prefix part.
  if (target.href !== url) return false;
  const prefix = allowed.pathname.replace(/\/+$/, '') + '/';
  const path = target.pathname.toLowerCase();
  return path.startsWith(prefix.toLowerCase()) && path.length > prefix.length;
}
