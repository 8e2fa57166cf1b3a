/** What a probe learnt from one authenticated GET. */
export interface ProbeResponse {
  status: number;
  headers: Headers;
  /** The JSON body, or undefined when it was not JSON. */
  body: unknown;
}

export interface ProbeOptions {
  signal: AbortSignal;
  fetch?: typeof fetch | undefined;
}

/** One GET with the given headers; no retries (doctor reports what it sees, now). */
export async function probeGet(
  url: string,
  headers: Record<string, string>,
  options: ProbeOptions,
): Promise<ProbeResponse> {
  const response = await (options.fetch ?? fetch)(url, {
    headers: { 'user-agent': 'agentsmith-doctor', accept: 'application/json', ...headers },
    signal: options.signal,
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body };
}

/** What a refused status means for a credential, in words an operator can act on. */
export function refusalOf(status: number): string {
  if (status === 401) return 'the credential was refused (401)';
  if (status === 403) return 'the credential lacks a permission (403)';
  if (status === 404) return 'not found, or the credential cannot see it (404)';
  if (status === 429) return 'rate limited (429); try again later';
  return `unexpected answer ${status}`;
}

/** `https://host` of a URL, for lines that name where a call went (never a path or query). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
