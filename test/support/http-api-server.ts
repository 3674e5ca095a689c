// The HTTP API on a real node:http server (the way the Functions host mounts it), for integration tests.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DurableHttpApi, type DurableHttpApiOptions } from '../../src/http-api';

export interface ApiServer {
  api: DurableHttpApi;
  /** e.g. http://localhost:54321 */
  origin: string;
  /** origin + /runtime/webhooks/durabletask */
  webhookBase: string;
  close(): Promise<void>;
}

export async function startApiServer(options: Omit<DurableHttpApiOptions, 'origin'>): Promise<ApiServer> {
  let api: DurableHttpApi | undefined;
  const server: Server = createServer((req, res) => {
    void api!.handle(req, res).then((handled) => {
      if (!handled) {
        res.statusCode = 404;
        res.end('not a durable route');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  api = new DurableHttpApi({ ...options, origin });
  await api.start();
  return {
    api,
    origin,
    webhookBase: `${origin}/runtime/webhooks/durabletask`,
    async close() {
      await api!.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
