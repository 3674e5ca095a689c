// Azurite for tests: the bundled server on free ports with in-memory persistence, one per test file, and a
// fresh task hub name per test so tests never see each other's data.

import { randomBytes } from 'node:crypto';
import { AzureStorageBackend, resolveStorageConnection, startAzurite, type AzureStorageBackendOptions, type AzuriteInstance } from '../../src/backends/azure-storage';

export type TestAzurite = AzuriteInstance;

export function startTestAzurite(): Promise<TestAzurite> {
  return startAzurite({});
}

/** A valid, unique task hub name (letters and digits, starts with a letter). */
export function uniqueHubName(prefix = 'test'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface AzuriteBackends {
  azurite(): TestAzurite;
  /** A backend on a fresh task hub (unless `hubName` is given), polling every 100 ms; stopped after the test. */
  backend(options?: Partial<AzureStorageBackendOptions> & { connectionString?: string }): AzureStorageBackend;
}

/** One Azurite for the calling test file, and backends on it that are stopped after each test. */
export function useAzuriteBackends(): AzuriteBackends {
  let azurite: TestAzurite | undefined;
  const backends: AzureStorageBackend[] = [];
  beforeAll(async () => {
    azurite = await startTestAzurite();
  });
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.stop()));
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  const current = (): TestAzurite => {
    if (!azurite) throw new Error('Azurite did not start; see the beforeAll error.');
    return azurite;
  };
  return {
    azurite: current,
    backend({ connectionString, ...options } = {}) {
      const backend = new AzureStorageBackend({
        connection: resolveStorageConnection({ AzureWebJobsStorage: connectionString ?? current().connectionString }),
        hubName: uniqueHubName(),
        maxQueuePollingIntervalMs: 100,
        ...options,
      });
      backends.push(backend);
      return backend;
    },
  };
}
