import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import { SecretSanitizer } from './secret-sanitizer.js';

/** The narrow logging interface components accept. */
export interface Logger {
  debug(object: object | string, message?: string): void;
  info(object: object | string, message?: string): void;
  warn(object: object | string, message?: string): void;
  error(object: object | string, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface CreateLoggerOptions {
  name: string;
  level?: LevelWithSilent | undefined;
  /** Secret values to scrub from every line, wherever they appear. */
  sanitizer?: SecretSanitizer;
  /** Defaults to stdout. */
  destination?: DestinationStream;
}

const REDACT_PATHS = [
  'authorization',
  'token',
  'apiKey',
  'password',
  'privateKey',
  '*.authorization',
  '*.token',
  '*.apiKey',
  '*.password',
  '*.privateKey',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
];

/**
 * The one place pino is configured: JSON lines, secret keys redacted by path and known secret
 * values scrubbed from messages and fields.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const sanitizer = options.sanitizer ?? new SecretSanitizer();
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        log: (object) => sanitizer.sanitizeValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((argument: unknown) =>
            typeof argument === 'string' ? sanitizer.sanitize(argument) : argument,
          );
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(1),
  );
}

/** A logger that drops everything (tests, library defaults). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
