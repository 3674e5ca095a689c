// The local RPC endpoint, like the extension's LocalHttpListener (specs/durable-functions-protocol.md §6.1):
// the same routes on a separate server bound to the loopback interface, without key checks, whose URL is
// the binding's `rpcBaseUrl`. durable-functions sends every client call there.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const RPC_BASE_PATH = '/durabletask/';

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
  const server: Server = createServer((req, res) => void handler(req, res));
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
