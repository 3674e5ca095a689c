// host.json storageProvider settings and .NET TimeSpan strings (specs/backends.md A9).

import { InvalidStorageProviderSettingError, parseTimeSpanMs, tuningFromStorageProvider } from '../../../../src/backends/azure-storage/azure-storage-options';

test.each([
  ['00:00:30', 30_000],
  ['00:05:00', 300_000],
  ['1.02:03:04', ((24 + 2) * 60 + 3) * 60_000 + 4000],
  ['00:00:01.5', 1500],
  ['3.00:00:00', 3 * 86_400_000],
])('TimeSpan %s is %d ms', (text, ms) => {
  expect(parseTimeSpanMs(text)).toBe(ms);
});

test.each(['30s', '', 'PT30S', '1:2:3:4'])('%j is not a TimeSpan', (text) => {
  expect(parseTimeSpanMs(text)).toBeUndefined();
});

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
