// The local RPC endpoint, like the extension's LocalHttpListener (specs/durable-functions-protocol.md §6.1):
// the same routes on a separate server bound to the loopback interface, without key checks, whose URL is
// the binding's `rpcBaseUrl`. durable-functions sends every client call there.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const RPC_BASE_PATH = '/durabletask/';

/**
 * How long an idle keep-alive connection stays open: longer than the 5 s after which Node's global agent (the one
 * durable-functions' axios uses) drops it, so the client always closes first. With both at 5 s a request sent as the
 * server closes fails with ECONNRESET. (Kestrel, behind the extension's listener, keeps 130 s.)
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RpcListener {
  /** `http://127.0.0.1:<port>/durabletask/`, ending in '/' as durable-functions requires. */
  readonly baseUrl: string;
  readonly origin: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1; port 0 (the default) lets the OS choose a free one. */
export async function startRpcListener(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port = 0,
): Promise<RpcListener> {
  const server: Server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, (req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}${RPC_BASE_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
