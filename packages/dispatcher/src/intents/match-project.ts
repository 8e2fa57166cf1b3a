/** Result of checking a project name against the configured ones. */
export type ProjectMatch =
  { found: true; project: string } | { found: false; known: string[]; closest: string | undefined };

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/**
 * Finds `name` among `known` (case-insensitive). When it is missing, names the closest project
 * if it is plausibly a typo (edit distance at most a third of the name, at least 2).
 */
export function matchProject(name: string, known: readonly string[]): ProjectMatch {
  const wanted = name.toLowerCase();
  const exact = known.find((project) => project.toLowerCase() === wanted);
  if (exact !== undefined) return { found: true, project: exact };
  let closest: string | undefined;
  let best = Infinity;
  for (const project of known) {
    const score = distance(wanted, project.toLowerCase());
    if (score < best) {
      best = score;
      closest = project;
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return { found: false, known: [...known].sort(), closest: best <= limit ? closest : undefined };
}
