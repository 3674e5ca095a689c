// Until the dashboard lands, the emulator's dashboard port answers with a JSON listing: each task hub that is open,
// its instance counts by runtime status and its entity count, and how many workers are connected.

import http from 'node:http';
import { errorMessage, RUNTIME_STATUSES, type Logger, type RuntimeStatus } from '../core';
import type { TaskHub } from '../taskhub';
import type { SchedulerEmulator } from './scheduler-emulator';

export interface TaskHubSummary {
  name: string;
  instances: Record<RuntimeStatus, number> & { total: number };
  entities: number;
}

export interface EmulatorListing {
  taskHubs: TaskHubSummary[];
  connectedWorkers: number;
}

export async function emulatorListing(emulator: SchedulerEmulator): Promise<EmulatorListing> {
  const hubs = await emulator.hubs.opened();
  const taskHubs = await Promise.all([...hubs].map(([name, hub]) => summarize(name, hub)));
  return { taskHubs, connectedWorkers: emulator.streams.connectedWorkers };
}

async function summarize(name: string, hub: TaskHub): Promise<TaskHubSummary> {
  const counts = Object.fromEntries(RUNTIME_STATUSES.map((status) => [status, 0])) as Record<RuntimeStatus, number>;
  let total = 0;
  let continuationToken: string | undefined;
  do {
    const page = await hub.queryOrchestrations({ pageSize: 1000, continuationToken });
    for (const state of page.items) counts[state.status]++;
    total += page.items.length;
    continuationToken = page.continuationToken;
  } while (continuationToken);
  let entities = 0;
  continuationToken = undefined;
  do {
    const page = await hub.queryEntities({ pageSize: 1000, includeState: false, continuationToken });
    entities += page.items.length;
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return { name, instances: { ...counts, total }, entities };
}

/** Serves the listing at `/` and `/api/taskhubs`; resolves with the bound port. */
export function serveDashboardListing(emulator: SchedulerEmulator, port: number, logger: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || (path !== '/' && path !== '/api/taskhubs')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `Not found: ${request.method} ${path}. GET / lists the task hubs.` }));
      return;
    }
    emulatorListing(emulator).then(
      (listing) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listing, undefined, 2)),
      (error: unknown) => {
        logger.error(`Listing the task hubs failed: ${errorMessage(error)}`);
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: errorMessage(error) }));
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => {
      const bound = (server.address() as { port: number }).port;
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
