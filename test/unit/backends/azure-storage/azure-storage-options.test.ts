// host.json storageProvider settings (specs/backends.md A9).

import { InvalidStorageProviderSettingError, tuningFromStorageProvider } from '../../../../src/backends/azure-storage/azure-storage-options';

test('storageProvider keys are read case-insensitively', () => {
  expect(
    tuningFromStorageProvider({ type: 'AzureStorage', PartitionCount: 8, maxQueuePollingInterval: '00:00:10', controlQueueBatchSize: '16', maxDequeueCount: 5 }),
  ).toEqual({ partitionCount: 8, maxQueuePollingIntervalMs: 10_000, controlQueueBatchSize: 16, maxDequeueCount: 5 });
});

test.each([
  [{ partitionCount: 17 }, /partitionCount is 17; expected an integer from 1 to 16/],
  [{ maxQueuePollingInterval: '30s' }, /maxQueuePollingInterval is "30s"; expected a positive time span such as "00:00:30"/],
])('a bad value %j names the key and the expected form', (provider, message) => {
  expect(() => tuningFromStorageProvider(provider)).toThrow(InvalidStorageProviderSettingError);
  expect(() => tuningFromStorageProvider(provider)).toThrow(message);
});
