import { availableParallelism } from 'node:os';
import { DurableTaskOptionsError, parseDurableTaskOptions } from '../../../src/durable-extension';

describe('host.json extensions.durableTask', () => {
  it('defaults to Azure Storage and 10 × cores concurrency like the Durable extension (specs/backends.md A9)', () => {
    const options = parseDurableTaskOptions(undefined);
    expect(options.storageProvider.type).toBe('AzureStorage');
    expect(options.concurrency.activity).toBe(10 * availableParallelism());
    expect(options.concurrency.orchestrator).toBe(10 * availableParallelism());
  });

  it('reads the provider type case-insensitively and keeps its settings', () => {
    const options = parseDurableTaskOptions({
      hubName: 'MyHub',
      maxConcurrentActivityFunctions: '4',
      storageProvider: { type: 'AZUREMANAGED', connectionStringName: 'DTS', maxQueuePollingInterval: '00:00:05' },
    });
    expect(options).toMatchObject({ hubName: 'MyHub', concurrency: { activity: 4 } });
    expect(options.storageProvider).toMatchObject({ type: 'azureManaged', connectionStringName: 'DTS', maxQueuePollingIntervalMs: 5000 });
  });

  it('parses .NET time spans with days', () => {
    expect(parseDurableTaskOptions({ storageProvider: { maxQueuePollingInterval: '1.02:00:00.5' } }).storageProvider.maxQueuePollingIntervalMs).toBe(
      26 * 3_600_000 + 500,
    );
  });

  it('names the file, key and expected form for bad values', () => {
    expect(() => parseDurableTaskOptions({ storageProvider: { type: 'Netherite' } }, 'app/host.json')).toThrow(
      'app/host.json: extensions.durableTask.storageProvider.type must be "AzureStorage" or "azureManaged", but is "Netherite".',
    );
    expect(() => parseDurableTaskOptions({ maxConcurrentEntityFunctions: 0 })).toThrow(DurableTaskOptionsError);
    expect(() => parseDurableTaskOptions({ storageProvider: { maxQueuePollingInterval: '30s' } })).toThrow(/time span/);
  });
});
