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

  it("reads callHttp's poll interval from httpSettings, defaulting to the extension's 30 s", () => {
    expect(parseDurableTaskOptions(undefined).httpAsyncRequestSleepMs).toBe(30_000);
    expect(parseDurableTaskOptions({ httpSettings: { defaultAsyncRequestSleepTimeMilliseconds: 250 } }).httpAsyncRequestSleepMs).toBe(250);
    expect(() => parseDurableTaskOptions({ httpSettings: { defaultAsyncRequestSleepTimeMilliseconds: 'soon' } }, 'host.json')).toThrow(
      'host.json: extensions.durableTask.httpSettings.defaultAsyncRequestSleepTimeMilliseconds must be a whole number of at least 1, but is "soon".',
    );
  });

  it('parses .NET time spans with days', () => {
    expect(parseDurableTaskOptions({ storageProvider: { maxQueuePollingInterval: '1.02:00:00.5' } }).storageProvider.maxQueuePollingIntervalMs).toBe(
      26 * 3_600_000 + 500,
    );
  });

  it('names the file, key and expected form for bad values', () => {
    expect(() => parseDurableTaskOptions({ storageProvider: { type: 'Netherite' } }, 'app/host.json')).toThrow(
      'app/host.json: extensions.durableTask.storageProvider.type is "Netherite" (the Netherite provider), which durable-runtime does not run. ' +
        'Supported: --backend memory|AzureStorage|azureManaged',
    );
    expect(() => parseDurableTaskOptions({ storageProvider: { type: 42 } }, 'app/host.json')).toThrow(
      'app/host.json: extensions.durableTask.storageProvider.type must be a provider name such as "AzureStorage", but is 42.',
    );
    expect(() => parseDurableTaskOptions({ maxConcurrentEntityFunctions: 0 })).toThrow(DurableTaskOptionsError);
    expect(() => parseDurableTaskOptions({ storageProvider: { maxQueuePollingInterval: '30s' } })).toThrow(/time span/);
  });

  it('takes the type from --backend instead of host.json, as an AzureFunctionsJobHost__ override would', () => {
    const options = parseDurableTaskOptions({ hubName: 'SqlHub', storageProvider: { type: 'mssql' } }, 'app/host.json', 'memory');
    expect(options).toMatchObject({ hubName: 'SqlHub', storageProvider: { type: 'memory' } });
  });
});
