import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The fields of a GitHub `issues` event the agent reads. */
const GithubIssuesEvent = z.object({
  action: z.string(),
  label: z.object({ name: z.string() }).optional(),
  issue: z.object({ number: z.number().int().positive() }),
  repository: z.object({ name: z.string(), full_name: z.string() }),
});
type GithubIssuesEvent = z.infer<typeof GithubIssuesEvent>;

/**
 * Checks `X-Hub-Signature-256` (`sha256=<hex HMAC of the raw body>`) in constant time.
 * A missing or malformed header is simply invalid.
 */
export function verifyGithubSignature(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  const received = Buffer.from(header.slice('sha256='.length), 'utf8');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** The issue a labelled event is about, when it is a `labeled` action; null for anything else. */
export function labeledIssue(
  eventName: string | undefined,
  payload: unknown,
): { repository: string; repositoryName: string; issueNumber: number; label: string } | null {
  if (eventName !== 'issues') return null;
  const parsed = GithubIssuesEvent.safeParse(payload);
  if (!parsed.success || parsed.data.action !== 'labeled' || !parsed.data.label) return null;
  return {
    repository: parsed.data.repository.full_name,
    repositoryName: parsed.data.repository.name,
    issueNumber: parsed.data.issue.number,
    label: parsed.data.label.name,
  };
}
