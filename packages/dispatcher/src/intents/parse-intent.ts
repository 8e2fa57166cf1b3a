import type { ChatIntent } from './chat-intent.js';

const TICKET = String.raw`(#?\d+|[A-Za-z][A-Za-z0-9_]*-\d+)`;
const PROJECT = String.raw`([A-Za-z0-9][\w.-]*)`;
const QUOTED = String.raw`"([^"]+)"|'([^']+)'`;

const patterns: Array<[RegExp, (match: RegExpExecArray) => ChatIntent]> = [
  [
    new RegExp(
      String.raw`^create\s+(?:a\s+)?(?:ticket|issue)\s+(?:${QUOTED})\s+(?:in|for)\s+${PROJECT}(?:\s+(?:${QUOTED}))?$`,
      'i',
    ),
    (match) => {
      const description = match[4] ?? match[5];
      return {
        kind: 'create',
        title: (match[1] ?? match[2] ?? '').trim(),
        project: match[3] ?? '',
        ...(description ? { description: description.trim() } : {}),
      };
    },
  ],
  [
    new RegExp(
      String.raw`^(?:fix|resolve|solve)\s+(?:the\s+)?(?:ticket\s+|issue\s+|bug\s+)?${TICKET}\s+(?:in|for|on)\s+${PROJECT}$`,
      'i',
    ),
    (match) => fix(match[1] ?? '', match[2] ?? ''),
  ],
  [
    new RegExp(String.raw`^(#\d+)\s+(?:in\s+)?${PROJECT}$`, 'i'),
    (match) => fix(match[1] ?? '', match[2] ?? ''),
  ],
  [
    new RegExp(
      String.raw`^(?:list|show)\s+(?:open\s+)?(?:tickets?|issues?)\s+(?:in|for|of)\s+${PROJECT}$`,
      'i',
    ),
    (match) => ({ kind: 'list', project: match[1] ?? '' }),
  ],
  [/^(?:status|what(?:'s| is) (?:running|the status))$/i, () => ({ kind: 'status' })],
  [/^(?:cancel|stop|abort)(?:\s+(?:the\s+)?job)?$/i, () => ({ kind: 'cancel' })],
  [/^(?:audit|audit log|show (?:the )?audit(?: log)?)$/i, () => ({ kind: 'audit' })],
  [/^(?:help|usage|\?|commands)$/i, () => ({ kind: 'help' })],
  [
    /^(?:hi|hello|hey|hallo|moin|good (?:morning|afternoon|evening)|yo)(?:\s+there)?$/i,
    () => ({ kind: 'greeting' }),
  ],
];

function fix(ticket: string, project: string): ChatIntent {
  const ticketId = ticket.replace(/^#/, '');
  return {
    kind: 'fix',
    ticketId: /^\d+$/.test(ticketId) ? ticketId : ticketId.toUpperCase(),
    project,
  };
}

/** Replaces the quotes phones and macOS insert (“ ” „ ‘ ’) with plain ones, and collapses blanks. */
export function normaliseText(text: string): string {
  return text
    .replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB]/g, '"')
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u00A0\s]+/g, ' ')
    .trim();
}

/** Removes one leading `<@U123>` (or `<@U123|name>`) mention. */
export function stripLeadingMention(text: string): string {
  return text.replace(/^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*/i, '');
}

/**
 * Parses a chat message into an intent. Pure: no I/O, no configuration. The project named is
 * checked against the configuration by the caller (`matchName` of `@agentsmith/contracts`).
 */
export function parseIntent(text: string): ChatIntent {
  const normalised = normaliseText(stripLeadingMention(normaliseText(text))).replace(/[.!]+$/, '');
  for (const [pattern, build] of patterns) {
    const match = pattern.exec(normalised);
    if (match) return build(match);
  }
  return { kind: 'unknown', text: normalised };
}
