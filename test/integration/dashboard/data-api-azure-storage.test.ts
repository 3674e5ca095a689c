// The dashboard's data API on the Azure Storage backend, on one Azurite for the file.
import { AzureStorageBackend, resolveStorageConnection } from '../../../src/backends/azure-storage';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { describeDashboardApi, localHub } from './dashboard-api-cases';

let azurite: TestAzurite | undefined;
afterAll(async () => {
  await azurite?.stop();
});

describeDashboardApi('AzureStorage (Azurite)', async () => {
  azurite = await startTestAzurite();
  const backend = new AzureStorageBackend({
    connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }),
    hubName: uniqueHubName('dash'),
    maxQueuePollingIntervalMs: 200,
  });
  const stopStorage = async () => {
    await azurite?.stop();
    azurite = undefined;
  };
  return { hub: await localHub(backend), label: 'AzureStorage', waitMs: 30_000, stopStorage };
}, { storageCanStop: true });
