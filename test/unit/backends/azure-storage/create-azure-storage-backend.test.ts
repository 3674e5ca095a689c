// The factory resolves everything from app settings and host.json, as the Functions host and the extension do.

import { createAzureStorageBackend, ensureDevelopmentStorageFor, InvalidTaskHubNameError, StorageConfigurationError } from '../../../../src/backends/azure-storage';

test('hub name, connection and tuning come from host.json and app settings', () => {
  const backend = createAzureStorageBackend({
    settings: { TASKHUB_NAME: 'SampleHub', DurableStorage: 'UseDevelopmentStorage=true', AzureWebJobsStorage: 'ignored' },
    durableTask: {
      hubName: '%TASKHUB_NAME%',
      storageProvider: { type: 'AzureStorage', connectionName: 'DurableStorage', partitionCount: 2 },
    },
  });
  expect(backend.resources.hubName).toBe('SampleHub');
  expect(backend.resources.controlQueues).toEqual(['samplehub-control-00', 'samplehub-control-01']);
  expect(backend.description).toBe('AzureStorage(devstoreaccount1 (http://127.0.0.1:10002/devstoreaccount1), hub SampleHub)');
});

test('an explicit hub name and explicit tuning override host.json', () => {
  const backend = createAzureStorageBackend({
    settings: { AzureWebJobsStorage: 'UseDevelopmentStorage=true' },
    durableTask: { hubName: 'FromHostJson', storageProvider: { partitionCount: 2 } },
    hubName: 'FromCli',
    partitionCount: 3,
  });
  expect(backend.resources.hubName).toBe('FromCli');
  expect(backend.resources.partitionCount).toBe(3);
});

test('bad settings fail at construction with the typed error, before any request', () => {
  expect(() => createAzureStorageBackend({ settings: {} })).toThrow(StorageConfigurationError);
  expect(() => createAzureStorageBackend({ settings: { AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, durableTask: { hubName: 'my-hub' } })).toThrow(
    InvalidTaskHubNameError,
  );
});

test('Azurite is only arranged for UseDevelopmentStorage=true', async () => {
  const appDir = '/nonexistent';
  expect(await ensureDevelopmentStorageFor({ settings: { AzureWebJobsStorage__accountName: 'acct' }, appDir })).toBeUndefined();
  expect(
    await ensureDevelopmentStorageFor({ settings: { AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=a2V5' }, appDir }),
  ).toBeUndefined();
});
