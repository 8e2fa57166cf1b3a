import { z } from 'zod';

/**
 * Paths of keys in `value` that `schema` does not declare (zod strips them silently). Reported
 * as warnings, as older files may carry keys this build does not know: a typo such as `aproval:` then
 * gets noticed instead of quietly taking the default.
 */
export function findUnknownKeys(schema: z.ZodType, value: unknown, path: string[] = []): string[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodDiscriminatedUnion && isRecord(value)) {
    const discriminator = inner.def.discriminator;
    const option = inner.options.find((candidate) => {
      const shape = candidate instanceof z.ZodObject ? candidate.shape : {};
      const literal = (shape as Record<string, z.ZodType>)[discriminator];
      return literal instanceof z.ZodLiteral && literal.values.has(value[discriminator] as never);
    });
    return option ? findUnknownKeys(option as z.ZodType, value, path) : [];
  }
  if (inner instanceof z.ZodObject && isRecord(value)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    return Object.entries(value).flatMap(([key, item]) => {
      const child = shape[key];
      return child ? findUnknownKeys(child, item, [...path, key]) : [[...path, key].join('.')];
    });
  }
  if (inner instanceof z.ZodRecord && isRecord(value)) {
    return Object.entries(value).flatMap(([key, item]) =>
      findUnknownKeys(inner.valueType as z.ZodType, item, [...path, key]),
    );
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((item, index) =>
      findUnknownKeys(inner.element as z.ZodType, item, [...path, String(index)]),
    );
  }
  return [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
