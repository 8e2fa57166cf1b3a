import type { Logger } from '@agentsmith/kit';
import type { Redis } from 'ioredis';
import { AuditRecord, type AuditLog } from './audit-log.js';

/** About this many records stay in the stream (`XADD … MAXLEN ~`). */
export const AUDIT_STREAM_CAP = 10_000;

/**
 * {@link AuditLog} as one log line per record plus a capped Redis stream (`<prefix>audit`), so
 * every replica's decisions are in one place. A record Redis refuses is still in the log.
 */
export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly logger: Logger,
    private readonly cap = AUDIT_STREAM_CAP,
  ) {}

  async record(entry: AuditRecord): Promise<void> {
    this.logger.info({ audit: entry }, entry.allowed ? 'Allowed' : 'Refused');
    try {
      await this.redis.xadd(
        this.key,
        'MAXLEN',
        '~',
        this.cap,
        '*',
        'record',
        JSON.stringify(entry),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not write the audit record to Redis');
    }
  }

  async latest(count: number): Promise<AuditRecord[]> {
    const entries = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', count);
    return entries.flatMap(([, fields]) => {
      const index = fields.indexOf('record');
      const parsed = AuditRecord.safeParse(safeJson(fields[index + 1]));
      return index >= 0 && parsed.success ? [parsed.data] : [];
    });
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
