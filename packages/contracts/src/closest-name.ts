import { distance } from 'fastest-levenshtein';

/** How a requested name compares with the known ones. */
export type NameMatch =
  | { found: true; name: string }
  | {
      found: false;
      /** The known names, sorted, for the message. */
      known: string[];
      /** The known name the request is plausibly a typo of. */
      closest: string | undefined;
    };

/**
 * Finds `requested` among `known`: exactly, else ignoring case. When it is missing, names the
 * closest known name if it is plausibly a typo: an edit distance (case-insensitive) of at most a
 * third of the requested name's length, and at least 2. The CLI and the chat both use this, so a
 * typo gets the same suggestion everywhere.
 */
export function matchName(requested: string, known: readonly string[]): NameMatch {
  if (known.includes(requested)) return { found: true, name: requested };
  const wanted = requested.toLowerCase();
  const folded = known.find((name) => name.toLowerCase() === wanted);
  if (folded !== undefined) return { found: true, name: folded };
  let closest: string | undefined;
  let best = Infinity;
  for (const name of known) {
    const score = distance(wanted, name.toLowerCase());
    if (score < best) {
      best = score;
      closest = name;
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return { found: false, known: [...known].sort(), closest: best <= limit ? closest : undefined };
}
