import { z } from 'zod';
import { BusEntry } from './bus-entry.js';
import { ContractError } from './contract-error.js';
import { PROTOCOL_VERSION } from './protocol-version.js';

/** A Redis stream entry's fields, flat: field name → string value. */
export type StreamFields = Record<string, string>;

const VERSION_FIELD = 'v';

/**
 * Why a stream entry could not be read. `retryable` is always false: the same bytes will never
 * decode differently.
 */
export class BusDecodeError extends ContractError {
  declare readonly code: 'protocol_entry_malformed' | 'protocol_version_unsupported';
  constructor(code: 'protocol_entry_malformed' | 'protocol_version_unsupported', message: string) {
    super(code, message);
  }
}

/**
 * Encodes an entry as flat stream fields: strings as they are, everything else as JSON, plus the
 * protocol version. Readable with `redis-cli XRANGE`.
 */
export function encodeBusEntry(entry: BusEntry): StreamFields {
  const fields: StreamFields = { [VERSION_FIELD]: String(PROTOCOL_VERSION) };
  for (const [name, value] of Object.entries(BusEntry.parse(entry))) {
    if (value === undefined) continue;
    fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return fields;
}

/** Same as {@link encodeBusEntry}, as the alternating list `XADD` takes. */
export function encodeBusEntryArgs(entry: BusEntry): string[] {
  return Object.entries(encodeBusEntry(entry)).flat();
}

/** Turns the alternating `[field, value, …]` list Redis returns into an object. */
export function fieldsFromArray(flat: readonly string[]): StreamFields {
  const fields: StreamFields = {};
  for (let index = 0; index + 1 < flat.length; index += 2) {
    fields[flat[index] as string] = flat[index + 1] as string;
  }
  return fields;
}

const schemasByType = new Map<string, z.ZodObject>(
  BusEntry.options.map((schema) => [schema.shape.type.value, schema as z.ZodObject]),
);

function isStringField(schema: z.ZodObject, name: string): boolean {
  let field: unknown = schema.shape[name];
  while (field instanceof z.ZodOptional) field = field.unwrap();
  return (
    field instanceof z.ZodString || field instanceof z.ZodLiteral || field instanceof z.ZodEnum
  );
}

/**
 * Decodes and validates stream fields. Throws {@link BusDecodeError} for an entry of a newer
 * protocol version or one that does not match the contract, naming what is wrong.
 */
export function decodeBusEntry(input: StreamFields | readonly string[]): BusEntry {
  const fields = Array.isArray(input) ? fieldsFromArray(input) : (input as StreamFields);
  const version = Number(fields[VERSION_FIELD]);
  if (!Number.isInteger(version) || version < 1) {
    throw new BusDecodeError(
      'protocol_entry_malformed',
      `bus entry has no valid protocol version (field "${VERSION_FIELD}" is ${JSON.stringify(fields[VERSION_FIELD])})`,
    );
  }
  if (version > PROTOCOL_VERSION) {
    throw new BusDecodeError(
      'protocol_version_unsupported',
      `bus entry uses protocol version ${version}, but this build understands up to ${PROTOCOL_VERSION}: upgrade this component so dispatcher and agent speak the same version`,
    );
  }
  const type = fields['type'] ?? '';
  const schema = schemasByType.get(type);
  if (!schema) {
    throw new BusDecodeError(
      'protocol_entry_malformed',
      `bus entry has unknown type ${JSON.stringify(type)}; expected one of ${[...schemasByType.keys()].join(', ')}`,
    );
  }
  const candidate: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(fields)) {
    if (name === VERSION_FIELD) continue;
    if (isStringField(schema, name) || !(name in schema.shape)) {
      candidate[name] = raw;
      continue;
    }
    try {
      candidate[name] = JSON.parse(raw);
    } catch {
      throw new BusDecodeError(
        'protocol_entry_malformed',
        `bus entry "${type}" field "${name}" is not valid JSON: ${JSON.stringify(raw.slice(0, 80))}`,
      );
    }
  }
  const parsed = BusEntry.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`)
      .join('; ');
    throw new BusDecodeError(
      'protocol_entry_malformed',
      `bus entry "${type}" is malformed: ${problems}`,
    );
  }
  return parsed.data;
}
