// The conformance suite against the Azure Storage backend, on Azurite started from node_modules: real time (Azure
// queues cannot follow a ManualClock), a fresh task hub per test, short leases so a lost lock comes back quickly.

import { TableClient } from '@azure/data-tables';
import type { InstanceWorkItem } from '../../src/backends';
import { AzureStorageBackend, resolveStorageConnection } from '../../src/backends/azure-storage';
import { partitionIndexOf } from '../../src/backends/azure-storage/fnv1a';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../support/azurite';
import { waitFor } from '../support/wait-for';
import { describeBackendConformance } from './backend-conformance';

const LEASE_MS = 2000;

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startTestAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

describeBackendConformance('AzureStorage (Azurite)', async () => {
  const hubName = uniqueHubName('conf');
  const backend = new AzureStorageBackend({
    connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }),
    hubName,
    maxQueuePollingIntervalMs: 500,
    leaseIntervalMs: LEASE_MS,
    leaseRenewIntervalMs: 250,
  });
  await backend.start();

  /** Another worker takes the instance's control queue, as after a lease expiry; its lease runs out in turn. */
  async function loseLock(item: InstanceWorkItem): Promise<void> {
    const partition = partitionIndexOf(item.instanceId, backend.resources.partitionCount);
    const leases = TableClient.fromConnectionString(azurite.connectionString, backend.resources.partitionsTable, { allowInsecureConnection: true });
    const now = Date.now();
    await leases.updateEntity(
      {
        partitionKey: '',
        rowKey: backend.resources.controlQueues[partition],
        CurrentOwner: 'another-worker',
        OwnedSince: new Date(now),
        LastRenewal: new Date(now),
        ExpiresAt: new Date(now + LEASE_MS),
        IsDraining: false,
      },
      'Replace',
    );
    await waitFor('the backend to notice it lost the queue', () => !backend.ownedPartitions().includes(partition));
  }

  return { backend, cleanup: () => backend.deleteTaskHub(), capabilities: { loseLock } };
});
