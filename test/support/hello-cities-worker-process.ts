// A durable-runtime worker stand-in as its own process: the Azure Storage backend driven by the scripted
// HelloCities5 engine. Each activity run is appended to a log file before its result is sent, so a test can
// count runs across crashes. Arguments: <connection string> <hub name> <activity log file>.

import { appendFileSync } from 'node:fs';
import { AzureStorageBackend, resolveStorageConnection } from '../../src/backends/azure-storage';
import { runHelloCitiesWorker } from './hello-cities-engine';

const [connectionString, hubName, activityLog] = process.argv.slice(2);
const backend = new AzureStorageBackend({
  connection: resolveStorageConnection({ AzureWebJobsStorage: connectionString }),
  hubName,
  // Short leases so a restarted worker gets its queues back at once; the message visibility timeouts are the
  // defaults, so the crash tests measure how long a dead worker's messages stay hidden.
  leaseIntervalMs: 2000,
  leaseRenewIntervalMs: 250,
  maxQueuePollingIntervalMs: 250,
  // Warnings and errors reach the test's output, so a stuck run says what the worker saw.
  logger: {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => console.warn(`[worker ${process.pid}] ${message}`),
    error: (message: string) => console.error(`[worker ${process.pid}] ${message}`),
  },
});

backend.start().then(
  () => {
    process.send?.('started');
    return runHelloCitiesWorker(backend, {
      concurrency: 10,
      signal: new AbortController().signal,
      onActivity: (lease) => appendFileSync(activityLog, `${lease.task.instanceId}/${lease.task.event.eventId}\n`),
    });
  },
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
