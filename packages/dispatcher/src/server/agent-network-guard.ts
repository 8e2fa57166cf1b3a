import { lookup } from 'node:dns/promises';
import type { Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { Logger } from '@agentsmith/kit';

/** `::ffff:10.0.0.2` → `10.0.0.2`, so IPv4 peers compare equal whatever the socket family. */
function plainAddress(address: string): string {
  return address.replace(/^::ffff:/i, '');
}

/**
 * The addresses of this process that agents reach it on: those the broker's host name (as agents
 * use it, `BROKER_URL`) resolves to, when they are addresses of a local interface. On Compose that
 * is the dispatcher's address on the agents' network; elsewhere usually none.
 */
export async function agentFacingAddresses(
  brokerUrl: string,
  resolve: (host: string) => Promise<string[]> = async (host) =>
    (await lookup(host, { all: true })).map((entry) => entry.address),
  localAddresses: () => string[] = () =>
    Object.values(networkInterfaces()).flatMap((entries) =>
      (entries ?? []).map((entry) => entry.address),
    ),
): Promise<Set<string>> {
  const host = new URL(brokerUrl).hostname.replace(/^\[|\]$/g, '');
  const resolved = await resolve(host).catch(() => []);
  const local = new Set(localAddresses().map(plainAddress));
  return new Set(
    resolved
      .map(plainAddress)
      .filter((address) => local.has(address) && !/^127\.|^::1$/.test(address)),
  );
}

/**
 * Closes every connection to `server` that arrives on one of `addresses`: the dispatcher's public
 * port (Slack, health, metrics) is not for agents, which share a network with the broker only
 * (docs/security.md, "Egress").
 */
export function refuseAgentConnections(
  server: Server,
  addresses: ReadonlySet<string>,
  logger: Logger,
): void {
  if (addresses.size === 0) return;
  server.on('connection', (socket) => {
    if (!addresses.has(plainAddress(socket.localAddress ?? ''))) return;
    logger.warn(
      { peer: socket.remoteAddress, local: socket.localAddress },
      "Refused a connection from the agents' network to the dispatcher's public port",
    );
    socket.destroy();
  });
}
