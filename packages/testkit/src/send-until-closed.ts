import { connect } from 'node:net';

/** What happened to an oversized request: the answer's status and how much body got out. */
export interface OversizedSendResult {
  /** The HTTP status the server answered, if it answered before closing. */
  status: number | undefined;
  /** Body bytes the socket accepted before the server closed the connection. */
  sentBytes: number;
}

/**
 * Sends a POST whose body is `totalBytes` long (declared in Content-Length, or chunked) in 64 KiB
 * pieces, each only after the last was flushed, and stops as soon as the server closes the
 * connection. A server that reads to the end lets every byte through (`sentBytes === totalBytes`).
 */
export async function sendUntilClosed(
  url: URL,
  path: string,
  totalBytes: number,
  declareLength: boolean,
  headers: Record<string, string> = {},
): Promise<OversizedSendResult> {
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  const ended = new Promise<void>((resolve) => {
    socket.once('close', () => {
      closed = true;
      resolve();
    });
  });
  socket.on('error', () => undefined);
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    'Content-Type: application/json',
    declareLength ? `Content-Length: ${totalBytes}` : 'Transfer-Encoding: chunked',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  const write = (data: string | Buffer) =>
    new Promise<boolean>((resolve) => {
      if (closed || socket.destroyed) {
        resolve(false);
        return;
      }
      socket.write(data, (error) => resolve(!error));
    });
  let sentBytes = 0;
  if (await write(head)) {
    const piece = Buffer.alloc(64 * 1024, 'a');
    while (sentBytes < totalBytes && !closed) {
      const size = Math.min(piece.length, totalBytes - sentBytes);
      const body = piece.subarray(0, size);
      const framed = declareLength
        ? body
        : Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), body, Buffer.from('\r\n')]);
      if (!(await write(framed))) break;
      sentBytes += size;
    }
    if (!declareLength && !closed) await write('0\r\n\r\n');
  }
  if (!closed) socket.end();
  await ended;
  const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
  return { status: status === undefined ? undefined : Number(status), sentBytes };
}
