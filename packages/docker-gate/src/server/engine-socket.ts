import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/** Headers that describe one hop, not the message: never copied across the gate. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

/** One request to the Docker engine on its Unix socket. */
export interface EngineRequest {
  method: string;
  path: string;
  body?: Buffer;
  contentType?: string;
}

/** The engine's Unix socket, the only place the gate sends anything. */
export class EngineSocket {
  constructor(readonly socketPath: string) {}

  /** Sends a request and resolves with the engine's response, unread. */
  send(engineRequest: EngineRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { host: 'docker' };
      if (engineRequest.body) {
        headers['content-type'] = engineRequest.contentType ?? 'application/json';
        headers['content-length'] = engineRequest.body.length;
      }
      const outgoing = request(
        {
          socketPath: this.socketPath,
          method: engineRequest.method,
          path: engineRequest.path,
          headers,
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(engineRequest.body);
    });
  }

  /** Sends a request and reads the whole answer (small JSON answers only). */
  async read(engineRequest: EngineRequest): Promise<{ status: number; text: string }> {
    const response = await this.send(engineRequest);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { status: response.statusCode ?? 500, text: Buffer.concat(chunks).toString('utf8') };
  }

  /**
   * Sends a request and streams the engine's answer to `response` as it arrives: events, `wait`
   * and followed logs stay open for as long as the engine keeps them open.
   */
  async relay(engineRequest: EngineRequest, response: ServerResponse): Promise<void> {
    const answer = await this.send(engineRequest);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers))
      if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
    response.writeHead(answer.statusCode ?? 502, headers);
    // The client waits for the headers before it reads a stream that may stay silent for long.
    response.flushHeaders();
    response.on('close', () => answer.destroy());
    answer.pipe(response);
  }
}
