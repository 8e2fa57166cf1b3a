import type { Manifest } from './render-kustomization.js';

/** Lists of named items (env, containers, volumes) sorted by name: merge order is not meaning. */
export function normalised(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalised);
    const named = items.every(
      (item) => typeof (item as { name?: unknown } | null)?.name === 'string',
    );
    return named
      ? [...items].sort((a, b) =>
          String((a as { name: string }).name).localeCompare(String((b as { name: string }).name)),
        )
      : items;
  }
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, normalised(entry)]),
    );
  return value;
}

export function kindAndName(object: Manifest): string {
  return `${object.kind}/${object.metadata.name}`;
}

export function byKindAndName(objects: Manifest[]): unknown[] {
  return [...objects].sort((a, b) => kindAndName(a).localeCompare(kindAndName(b))).map(normalised);
}
