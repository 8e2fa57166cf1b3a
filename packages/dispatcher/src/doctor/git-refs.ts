/** What a repository's smart-HTTP ref advertisement says about its branches. */
export interface AdvertisedRefs {
  /** `refs/heads/main` when HEAD is a symbolic ref the server named; undefined otherwise. */
  head: string | undefined;
  /** True when HEAD itself was advertised (it resolves to a commit). */
  headResolves: boolean;
  branches: string[];
}

/**
 * Reads `GET <repo>/info/refs?service=git-upload-pack` (protocol v0, what `git ls-remote` gets):
 * pkt-lines of `<sha> <ref>`, the first carrying the capabilities after a NUL, `symref=HEAD:<ref>`
 * among them. A HEAD that names a missing branch is not advertised at all.
 */
export function parseRefAdvertisement(body: Buffer): AdvertisedRefs {
  const refs: string[] = [];
  let capabilities = '';
  let offset = 0;
  while (offset + 4 <= body.length) {
    const length = Number.parseInt(body.subarray(offset, offset + 4).toString('ascii'), 16);
    if (!Number.isFinite(length)) break;
    if (length < 4) {
      offset += 4;
      continue;
    }
    const line = body
      .subarray(offset + 4, offset + length)
      .toString('utf8')
      .replace(/\n$/, '');
    offset += length;
    if (line.startsWith('#')) continue;
    const [refPart = '', caps] = line.split('\0');
    if (caps !== undefined) capabilities = caps;
    const ref = refPart.split(' ')[1];
    if (ref) refs.push(ref);
  }
  const symref = /(?:^| )symref=HEAD:(\S+)/.exec(capabilities)?.[1];
  return {
    head: symref,
    headResolves: refs.includes('HEAD'),
    branches: refs
      .filter((ref) => ref.startsWith('refs/heads/'))
      .map((ref) => ref.slice('refs/heads/'.length)),
  };
}
