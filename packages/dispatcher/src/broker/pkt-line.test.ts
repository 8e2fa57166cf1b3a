import { describe, expect, it } from 'vitest';
import { pushRefusals } from './git-proxy.js';
import {
  FLUSH_PKT,
  parseReceivePackCommands,
  pktLine,
  readPktLinesUntilFlush,
  receivePackRefusal,
} from './pkt-line.js';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

function pushBody(...commands: string[]): Buffer {
  const [first, ...rest] = commands;
  return Buffer.concat([
    pktLine(`shallow ${'c'.repeat(40)}\n`),
    pktLine(`${first}\0report-status side-band-64k agent=git/2.39\n`),
    ...rest.map((command) => pktLine(`${command}\n`)),
    FLUSH_PKT,
    Buffer.from('PACK....'),
  ]);
}

describe('broker/pkt-line', () => {
  it('parses the ref updates and capabilities of a push, skipping shallow lines', () => {
    const parsed = parseReceivePackCommands(
      pushBody(`${OLD} ${NEW} refs/heads/fix/58`, `${OLD} ${ZERO} refs/heads/main`),
    );
    expect(parsed.capabilities).toEqual(['report-status', 'side-band-64k', 'agent=git/2.39']);
    expect(parsed.updates).toEqual([
      { oldId: OLD, newId: NEW, ref: 'refs/heads/fix/58' },
      { oldId: OLD, newId: ZERO, ref: 'refs/heads/main' },
    ]);
  });

  it("allows only moving the job's branch; refuses deletes, tags, other refs and signed pushes", () => {
    const judge = (...commands: string[]) =>
      Object.fromEntries(pushRefusals(parseReceivePackCommands(pushBody(...commands)), 'fix/58'));
    expect(judge(`${OLD} ${NEW} refs/heads/fix/58`)).toEqual({});
    expect(judge(`${OLD} ${ZERO} refs/heads/fix/58`)).toEqual({
      'refs/heads/fix/58': 'this job may not delete refs/heads/fix/58',
    });
    expect(judge(`${ZERO} ${NEW} refs/tags/v1`)).toEqual({
      'refs/tags/v1': 'tags may not be pushed by this job (only refs/heads/fix/58)',
    });
    expect(judge(`${OLD} ${NEW} refs/heads/fix/58-evil`, `${OLD} ${NEW} refs/notes/x`)).toEqual({
      'refs/heads/fix/58-evil': 'this job may only push refs/heads/fix/58',
      'refs/notes/x': 'this job may only push refs/heads/fix/58',
    });
  });

  it("stops at a push certificate: its commands are git's to read, the push is refused whole", () => {
    const signed = parseReceivePackCommands(
      Buffer.concat([
        pktLine(`push-cert\0report-status\n`),
        pktLine(`shallow \n\n${OLD} ${NEW} refs/heads/main\n`),
        pktLine('push-cert-end\n'),
        FLUSH_PKT,
      ]),
    );
    expect(signed).toMatchObject({ pushCertificate: true, updates: [] });
  });

  it('reads capabilities as git does (any whitespace) and accepts only known ones', () => {
    const judge = (capabilities: string) =>
      Object.values(
        Object.fromEntries(
          pushRefusals(
            parseReceivePackCommands(
              Buffer.concat([
                pktLine(`${OLD} ${NEW} refs/heads/fix/58\0${capabilities}\n`),
                FLUSH_PKT,
              ]),
            ),
            'fix/58',
          ),
        ),
      );
    expect(judge('report-status-v2 side-band-64k quiet object-format=sha1 agent=git/2.39')).toEqual(
      [],
    );
    expect(judge('report-status push-options=1')).toEqual([
      'push options (git push -o) are not accepted',
    ]);
    expect(judge('report-status\tpush-options')).toEqual([
      'push options (git push -o) are not accepted',
    ]);
    expect(judge('report-status something-new')).toEqual([
      'the push capability "something-new" is not accepted',
    ]);
  });

  it('answers a refusal git prints: ng lines in side-band 1, the reason on side-band 2', () => {
    const commands = parseReceivePackCommands(
      pushBody(`${OLD} ${NEW} refs/heads/main`, `${OLD} ${NEW} refs/heads/fix/58`),
    );
    const answer = receivePackRefusal(
      commands,
      new Map([['refs/heads/main', 'this job may only push refs/heads/fix/58']]),
      'push refused',
    );
    const { lines } = readPktLinesUntilFlush(answer);
    const bands = lines.flatMap((line) => (line.kind === 'data' ? [line.payload] : []));
    expect(bands[0]?.[0]).toBe(2);
    expect(bands[0]?.subarray(1).toString()).toBe('push refused\n');
    expect(bands[1]?.[0]).toBe(1);
    const report = readPktLinesUntilFlush(bands[1]!.subarray(1)).lines.flatMap((line) =>
      line.kind === 'data' ? [line.payload.toString()] : [],
    );
    expect(report).toEqual([
      'unpack ok\n',
      'ng refs/heads/main this job may only push refs/heads/fix/58\n',
      'ng refs/heads/fix/58 refused with the rest of this push\n',
    ]);
  });

  it('rejects what is not a push', () => {
    expect(() => parseReceivePackCommands(Buffer.from('GET / HTTP/1.1'))).toThrow(/pkt-line/);
    for (const line of [
      `shallow \n\n${OLD} ${NEW} refs/heads/main`,
      `push-certificate`,
      `shallow ${OLD} x`,
    ])
      expect(() =>
        parseReceivePackCommands(Buffer.concat([pktLine(`${line}\n`), FLUSH_PKT])),
      ).toThrow(/unexpected receive-pack command/);
    expect(() => parseReceivePackCommands(Buffer.concat([pktLine('hello\n'), FLUSH_PKT]))).toThrow(
      /unexpected receive-pack command/,
    );
  });
});
