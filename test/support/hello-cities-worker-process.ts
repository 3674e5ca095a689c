// A durable-runtime worker stand-in as its own process: the local task hub over the Azure Storage backend, driven by
// the scripted worker running HelloCities5. Each activity run is appended to a log file before its result is sent,
// so a test can count runs across crashes. Arguments: <connection string> <hub name> <activity log file>.

import { appendFileSync } from 'node:fs';
import { AzureStorageBackend, resolveStorageConnection } from '../../src/backends/azure-storage';
import { LocalTaskHub } from '../../src/taskhub/local';
import { helloCitiesScripts } from './hello-cities';
import { ScriptedWorker } from './scripted-worker';

const [connectionString, hubName, activityLog] = process.argv.slice(2);
// Warnings and errors reach the test's output, so a stuck run says what the worker saw.
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(`[worker ${process.pid}] ${message}`),
  error: (message: string) => console.error(`[worker ${process.pid}] ${message}`),
};
const backend = new AzureStorageBackend({
  connection: resolveStorageConnection({ AzureWebJobsStorage: connectionString }),
  hubName,
  // Short leases so a restarted worker gets its queues back at once; the message visibility timeouts are the
  // defaults, so the crash tests measure how long a dead worker's messages stay hidden.
  leaseIntervalMs: 2000,
  leaseRenewIntervalMs: 250,
  maxQueuePollingIntervalMs: 250,
  logger,
});
const hub = new LocalTaskHub({ backend, logger, name: hubName });

hub.start().then(
  () => {
    process.send?.('started');
    new ScriptedWorker(hub, helloCitiesScripts((item) => appendFileSync(activityLog, `${item.instanceId}/${item.taskId}\n`)), undefined, 10).start();
  },
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
