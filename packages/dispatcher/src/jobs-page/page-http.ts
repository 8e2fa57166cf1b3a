import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_FORM_BYTES = 4_096;

/** No inline script or style, nothing from elsewhere, never in a frame, never cached. */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Answers with HTML (unless `headers` say otherwise) and the security headers. */
export function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(body);
}

/** Redirects (303 after a form or a sign-in; 302 to Slack), setting `cookies`. */
export function redirect(
  response: ServerResponse,
  location: string,
  cookies: string[] = [],
  status = 303,
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    location,
    ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}),
  });
  response.end();
}

/** The fields of a small urlencoded body; undefined when it is too large or not a form. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
