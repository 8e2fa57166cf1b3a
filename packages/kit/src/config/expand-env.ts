/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of `value`, deeply. Variables that
 * are unset and have no default are collected in `missing` so the caller can report them all.
 */
export function expandEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  missing: Set<string> = new Set(),
): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_match, name: string, fallback?: string) => {
        const found = env[name];
        if (found !== undefined && found !== '') return found;
        if (fallback !== undefined) return fallback;
        missing.add(name);
        return '';
      },
    );
  }
  if (Array.isArray(value)) return value.map((item) => expandEnv(item, env, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandEnv(item, env, missing)]),
    );
  }
  return value;
}
