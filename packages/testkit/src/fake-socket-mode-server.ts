import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65_536
        ? Buffer.alloc(4)
        : Buffer.alloc(10);
  if (length >= 126 && length < 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/**
 * A fake Slack Socket Mode endpoint: a minimal WebSocket server (RFC 6455 text, ping/pong and
 * close frames) that greets with `hello`, lets a test push envelopes (`events_api`,
 * `interactive`) and records the acknowledgements the app sends back.
 */
export class FakeSocketModeServer {
  readonly received: Array<Record<string, unknown>> = [];
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #url = '';

  get url(): string {
    return this.#url;
  }

  get connections(): number {
    return this.#sockets.size;
  }

  async start(): Promise<this> {
    this.#server = createServer((_request, response) => response.writeHead(426).end());
    this.#server.on('upgrade', (request, socket: Socket) => {
      const key = request.headers['sec-websocket-key'];
      const accept = createHash('sha1')
        .update(`${String(key)}${GUID}`)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      this.#sockets.add(socket);
      let buffered: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        buffered = this.#read(socket, buffered);
      });
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => this.#sockets.delete(socket));
      this.#send(socket, {
        type: 'hello',
        num_connections: 1,
        connection_info: { app_id: 'A1' },
        debug_info: { host: 'fake', approximate_connection_time: 3600 },
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.#url = `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}/link`;
    return this;
  }

  /** Pushes an envelope to every connected client. */
  push(envelope: Record<string, unknown>): void {
    for (const socket of this.#sockets) this.#send(socket, envelope);
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #send(socket: Socket, message: unknown): void {
    socket.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  }

  /** Consumes complete frames from `data`; returns what is left. */
  #read(socket: Socket, data: Buffer): Buffer {
    let rest = data;
    while (rest.length >= 2) {
      const opcode = (rest[0] ?? 0) & 0x0f;
      const masked = ((rest[1] ?? 0) & 0x80) !== 0;
      let length = (rest[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (rest.length < 4) return rest;
        length = rest.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (rest.length < 10) return rest;
        length = Number(rest.readBigUInt64BE(2));
        offset = 10;
      }
      const maskLength = masked ? 4 : 0;
      if (rest.length < offset + maskLength + length) return rest;
      const mask = rest.subarray(offset, offset + maskLength);
      const payload = Buffer.from(rest.subarray(offset + maskLength, offset + maskLength + length));
      if (masked)
        for (let index = 0; index < payload.length; index += 1)
          payload[index] = (payload[index] ?? 0) ^ (mask[index % 4] ?? 0);
      rest = rest.subarray(offset + maskLength + length);
      if (opcode === 0x1) {
        try {
          this.received.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
        } catch {
          // not JSON: ignore
        }
      } else if (opcode === 0x9) {
        socket.write(frame(0xa, payload));
      } else if (opcode === 0x8) {
        socket.end(frame(0x8, Buffer.alloc(0)));
      }
    }
    return rest;
  }
}
