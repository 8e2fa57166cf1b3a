/** One pkt-line of git's wire protocol: its payload, or `flush` for `0000`. */
export type PktLine = { kind: 'data'; payload: Buffer } | { kind: 'flush' } | { kind: 'delim' };

/** Encodes one pkt-line (`<4 hex digits of length><payload>`). */
export function pktLine(payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from((data.length + 4).toString(16).padStart(4, '0')), data]);
}

export const FLUSH_PKT = Buffer.from('0000');

/**
 * Reads pkt-lines from the start of `buffer` up to and including the first flush; returns them
 * and the offset after it. Throws on a malformed length (the request is not git's).
 */
export function readPktLinesUntilFlush(
  buffer: Buffer,
  start = 0,
): { lines: PktLine[]; end: number } {
  const lines: PktLine[] = [];
  let offset = start;
  while (offset + 4 <= buffer.length) {
    const lengthText = buffer.toString('latin1', offset, offset + 4);
    if (!/^[0-9a-f]{4}$/i.test(lengthText))
      throw new Error(`malformed pkt-line length "${lengthText}"`);
    const length = Number.parseInt(lengthText, 16);
    if (length === 0) {
      lines.push({ kind: 'flush' });
      return { lines, end: offset + 4 };
    }
    if (length === 1) {
      lines.push({ kind: 'delim' });
      offset += 4;
      continue;
    }
    if (length < 4 || offset + length > buffer.length) throw new Error('truncated pkt-line');
    lines.push({ kind: 'data', payload: buffer.subarray(offset + 4, offset + length) });
    offset += length;
  }
  throw new Error('pkt-line list without a flush');
}

/** One ref update of a push: `<old> <new> <ref>`. */
export interface RefUpdate {
  oldId: string;
  newId: string;
  ref: string;
}

/** The ref updates and capabilities at the start of a `git-receive-pack` request body. */
export interface ReceivePackCommands {
  updates: RefUpdate[];
  capabilities: string[];
  /** True when the client signed the push (`push-cert`); the broker does not accept those. */
  pushCertificate: boolean;
}

const ZERO_ID = /^0+$/;

/** True when an update deletes its ref (the new id is all zeros). */
export function isDeletion(update: RefUpdate): boolean {
  return ZERO_ID.test(update.newId);
}

const SHALLOW = /^shallow [0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const COMMAND = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) ([0-9a-f]{40}(?:[0-9a-f]{24})?) (\S+)$/;

/**
 * Parses the command list of a receive-pack request, strictly: `shallow <id>` lines, then ref
 * updates, the first carrying the capabilities after a NUL. A push certificate (`push-cert`)
 * ends the parse with `pushCertificate` set: git runs the commands inside a certificate, which
 * this parser does not read, so such a push must be refused whole. Any other line throws: what
 * the broker cannot read, git must not run.
 */
export function parseReceivePackCommands(body: Buffer): ReceivePackCommands {
  const { lines } = readPktLinesUntilFlush(body);
  const result: ReceivePackCommands = { updates: [], capabilities: [], pushCertificate: false };
  for (const line of lines) {
    if (line.kind !== 'data') continue;
    let text = line.payload.toString('utf8').replace(/\n$/, '');
    const first = result.updates.length === 0;
    const nul = text.indexOf('\0');
    if (nul >= 0 && first) {
      // git finds a capability wherever whitespace separates it: split the same way.
      result.capabilities.push(
        ...text
          .slice(nul + 1)
          .split(/\s+/)
          .filter(Boolean),
      );
      text = text.slice(0, nul);
    }
    if (first && text === 'push-cert') {
      result.pushCertificate = true;
      return result;
    }
    if (first && SHALLOW.test(text) && nul < 0) continue;
    const match = COMMAND.exec(text);
    if (!match) throw new Error(`unexpected receive-pack command "${text.slice(0, 120)}"`);
    result.updates.push({ oldId: match[1]!, newId: match[2]!, ref: match[3]! });
  }
  return result;
}

/**
 * A receive-pack answer refusing the push: `unpack ok`, then `ng <ref> <reason>` for every update
 * (git prints these as `! [remote rejected] <ref> (<reason>)`), inside side-band 1 when the client
 * asked for side-band, with the reason also on side-band 2 (git prints it as `remote: …`).
 */
export function receivePackRefusal(
  commands: ReceivePackCommands,
  reasons: Map<string, string>,
  message: string,
): Buffer {
  const report = Buffer.concat([
    pktLine('unpack ok\n'),
    ...commands.updates.map((update) =>
      pktLine(
        `ng ${update.ref} ${reasons.get(update.ref) ?? 'refused with the rest of this push'}\n`,
      ),
    ),
    FLUSH_PKT,
  ]);
  const sideBand = commands.capabilities.some((capability) => capability.startsWith('side-band'));
  if (!commands.capabilities.some((capability) => capability.startsWith('report-status'))) {
    return Buffer.concat([pktLine(`ERR ${message}\n`)]);
  }
  if (!sideBand) return report;
  const chunks: Buffer[] = [
    pktLine(Buffer.concat([Buffer.from([2]), Buffer.from(`${message}\n`)])),
  ];
  for (let offset = 0; offset < report.length; offset += 65_000) {
    chunks.push(
      pktLine(Buffer.concat([Buffer.from([1]), report.subarray(offset, offset + 65_000)])),
    );
  }
  chunks.push(FLUSH_PKT);
  return Buffer.concat(chunks);
}
