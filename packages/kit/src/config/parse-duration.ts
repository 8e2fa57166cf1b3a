/** Parses `90s`, `60m`, `1h`, `1h30m` or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = trimmed;
  const part = /^(\d+)(ms|s|m|h)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match)
      throw new Error(`"${text}" is not a duration: use a number with s, m or h, e.g. 60m`);
    total += Number(match[1]) * (units[match[2] as string] ?? 0);
    rest = rest.slice(match[0].length);
  }
  if (total === 0 && trimmed.length === 0) throw new Error('empty duration');
  return total;
}
