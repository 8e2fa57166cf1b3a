const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text made safe for an HTML element body or a quoted attribute value. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"'`]/g, (character) => ENTITIES[character] ?? character);
}

/**
 * The URL when it is an absolute `http:` or `https:` one, else undefined: a `javascript:`,
 * `data:` or relative link from outside (a PR URL an agent reported) never becomes a link.
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
}

/** A link that opens in a new tab, or the escaped text alone when the URL is not safe. */
export function link(url: string | undefined, text: string): string {
  const safe = safeHttpUrl(url);
  return safe
    ? `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`
    : escapeHtml(text);
}
