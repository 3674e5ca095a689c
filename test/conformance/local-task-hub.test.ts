// The task-hub conformance suite against the local task hub (the engine over a Backend): on the memory backend with
// a ManualClock, and on the Azure Storage backend on one Azurite for this file (real time, a fresh task hub per test).

import { TableClient } from '@azure/data-tables';
import { ManualClock, type Logger } from '../../src/core';
import { MemoryBackend } from '../../src/backends/memory';
import { AzureStorageBackend, resolveStorageConnection } from '../../src/backends/azure-storage';
import { partitionIndexOf } from '../../src/backends/azure-storage/fnv1a';
import type { TaskHub } from '../../src/taskhub';
import { LocalTaskHub } from '../../src/taskhub/local';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../support/azurite';
import { waitFor } from '../support/wait-for';
import { describeTaskHubConformance } from './task-hub-conformance';

/** A logger that keeps what the hub says, so the suite can check its warnings. */
function capturing(): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  return { logs, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } };
}

describeTaskHubConformance('local over memory (ManualClock)', async () => {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const backend = new MemoryBackend({ clock });
  const { logger, logs } = capturing();
  const hubs: TaskHub[] = [new LocalTaskHub({ backend, clock, logger, name: 'TestHub' })];
  await hubs[0].start();
  return {
    hub: hubs[0],
    clock,
    logs,
    settled: async () => void (await waitFor('the backend to settle', () => backend.isIdle(), 5000, 2)),
    async reopen() {
      const next = new LocalTaskHub({ backend, clock, logger, name: 'TestHub' });
      hubs.push(next);
      await next.start();
      return next;
    },
    // Purging the instance behind the hub's back ends the backend lock the work item holds.
    loseLock: async (item) => void (await backend.purgeInstance(item.instanceId)),
    cleanup: async () => void (await Promise.all(hubs.map((hub) => hub.stop()))),
  };
});

let azurite: TestAzurite | undefined;
afterAll(async () => {
  await azurite?.stop();
});

describeTaskHubConformance('local over AzureStorage (Azurite)', async () => {
  azurite ??= await startTestAzurite();
  const { connectionString } = azurite;
  const hubName = uniqueHubName('hubconf');
  const LEASE_MS = 2000;
  const backends: AzureStorageBackend[] = [];
  const { logger, logs } = capturing();
  const open = async () => {
    const backend = new AzureStorageBackend({
      connection: resolveStorageConnection({ AzureWebJobsStorage: connectionString }),
      hubName,
      maxQueuePollingIntervalMs: 100,
      leaseIntervalMs: LEASE_MS,
      leaseRenewIntervalMs: 250,
      logger,
    });
    backends.push(backend);
    const hub = new LocalTaskHub({ backend, logger, name: hubName });
    await hub.start();
    return hub;
  };
  const hubs = [await open()];
  return {
    hub: hubs[0],
    realTime: { delayMs: 3000 },
    logs,
    async reopen() {
      hubs.push(await open());
      return hubs[hubs.length - 1];
    },
    /** Another worker takes the instance's control queue, as after a lease expiry (specs/backends.md A9). */
    async loseLock(item) {
      const backend = backends[0];
      const partition = partitionIndexOf(item.instanceId, backend.resources.partitionCount);
      const leases = TableClient.fromConnectionString(connectionString, backend.resources.partitionsTable, { allowInsecureConnection: true });
      const now = Date.now();
      await leases.updateEntity(
        { partitionKey: '', rowKey: backend.resources.controlQueues[partition], CurrentOwner: 'another-worker', OwnedSince: new Date(now), LastRenewal: new Date(now), ExpiresAt: new Date(now + LEASE_MS), IsDraining: false },
        'Replace',
      );
      await waitFor('the backend to notice it lost the queue', () => !backend.ownedPartitions().includes(partition));
    },
    async cleanup() {
      await Promise.all(hubs.map((hub) => hub.stop()));
      await backends[0].deleteTaskHub();
    },
  };
});
