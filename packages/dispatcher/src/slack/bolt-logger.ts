import type { Logger } from '@agentsmith/kit';
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';

/** Routes bolt's own log lines into our logger (bolt's debug stays at debug). */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  const join = (parts: unknown[]) =>
    parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  let level = LogLevel.INFO;
  let name = 'bolt';
  return {
    debug: (...parts: unknown[]) => child.debug({ name }, join(parts)),
    info: (...parts: unknown[]) => child.info({ name }, join(parts)),
    warn: (...parts: unknown[]) => child.warn({ name }, join(parts)),
    error: (...parts: unknown[]) => child.error({ name }, join(parts)),
    setLevel: (next: LogLevel) => (level = next),
    getLevel: () => level,
    setName: (next: string) => (name = next),
  };
}
