import type {
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestListener,
  ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused connection stays half-open for the client to read its answer. */
export const LINGER_MS = 1_000;

const refusedSockets = new WeakSet<Socket>();

/** Whether the request says a body follows (Content-Length above 0, or any Transfer-Encoding). */
export function announcesBody(request: IncomingMessage): boolean {
  return (
    Number(request.headers['content-length'] ?? 0) > 0 ||
    request.headers['transfer-encoding'] !== undefined
  );
}

/**
 * Wraps a server's listener so that requests pipelined behind a refused one are not run: their
 * connection is closing and no answer of theirs would go out.
 */
export function skippingRefusedConnections(listener: RequestListener): RequestListener {
  return (request, response) => {
    if (refusedSockets.has(request.socket)) {
      request.pause();
      return;
    }
    listener(request, response);
  };
}

/**
 * Answers a request whose body the server will not read, then closes the connection without
 * reading it either.
 *
 * Ending the response normally makes Node destroy the socket at once; with body bytes still
 * unread that close sends a TCP reset, and a client busy writing its body sees the reset as a
 * failed write and drops the connection before it reads the answer. So the answer goes out with
 * a FIN (the write side is closed, the read side is left alone and never read), and the socket is
 * destroyed `lingerMs` later, so a client that never stops cannot hold it. Requests that still
 * arrive on it are not run when the server's listener is wrapped in
 * {@link skippingRefusedConnections}.
 */
export function answerUnreadRequest(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string,
  lingerMs = LINGER_MS,
): void {
  request.pause();
  const socket = request.socket;
  refusedSockets.add(socket);
  setTimeout(() => socket.destroy(), lingerMs).unref();
  if (response.headersSent) {
    socket.destroy();
    return;
  }
  response.writeHead(status, {
    ...headers,
    connection: 'close',
    'content-length': Buffer.byteLength(body),
  });
  response.write(body, () => socket.end());
}
