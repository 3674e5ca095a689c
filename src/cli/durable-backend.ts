// Which storage backend `durable-runtime start` runs the task hub on: `--backend`, else the environment variable
// DURABLE_RUNTIME_BACKEND, else host.json's `extensions.durableTask.storageProvider.type` (after the host's
// AzureFunctionsJobHost__* overrides), as the Durable extension reads it. Default: AzureStorage, which with
// `UseDevelopmentStorage=true` starts the bundled Azurite (the embedded default).

import path from 'node:path';
import type { Logger } from '../core';
import type { Backend } from '../backends';
import { MemoryBackend } from '../backends/memory';
import { connectionNameOf, createAzureStorageBackend, ensureDevelopmentStorageFor, resolveTaskHubName, type AppSettings } from '../backends/azure-storage';
import { nativeEnv, type FunctionApp } from '../functions-host';
import { storageProviderTypeOf, type DurableTaskOptions, type StorageProviderType } from '../worker';
import { UsageError } from './arguments';

export const BACKEND_ENV = 'DURABLE_RUNTIME_BACKEND';

export interface DurableBackend {
  readonly backend: Backend;
  readonly type: StorageProviderType;
  readonly hubName: string;
  /** One line for the start-up log: which backend, where its state lives. */
  readonly description: string;
  /** The connection name the management URLs show (`connection=`). */
  readonly connectionName: string;
  /** Releases what was started for the backend (the embedded Azurite). */
  close(): Promise<void>;
}

/** `--backend` or DURABLE_RUNTIME_BACKEND, case-insensitive; undefined when neither is given. */
export function backendChoice(flag: string | undefined, env: NodeJS.ProcessEnv): StorageProviderType | undefined {
  const [value, source] = flag !== undefined ? [flag, '--backend'] : [env[BACKEND_ENV], BACKEND_ENV];
  if (value === undefined || value === '') return undefined;
  const choice = storageProviderTypeOf(value);
  if (!choice) throw new UsageError(`${source} must be memory, AzureStorage or azureManaged, but is '${value}'.`);
  return choice;
}

export async function openDurableBackend(options: {
  app: FunctionApp;
  durableTask: DurableTaskOptions;
  choice: StorageProviderType | undefined;
  logger: Logger;
}): Promise<DurableBackend> {
  const { app, durableTask, logger } = options;
  // The environment the app's settings were loaded into: Node's own, which under jest is not the test's process.env.
  const settings = nativeEnv as AppSettings;
  const type = options.choice ?? durableTask.storageProvider.type;
  const hubName = resolveTaskHubName(durableTask.hubName, settings);
  switch (type) {
    case 'memory':
      return {
        backend: new MemoryBackend(),
        type,
        hubName,
        connectionName: 'Storage',
        description: `memory (task hub '${hubName}'; state lives in this process and is gone when it stops)`,
        close: async () => undefined,
      };
    case 'AzureStorage': {
      const hostSettings = { hubName: durableTask.hubName, storageProvider: durableTask.storageProvider.raw };
      const azurite = await ensureDevelopmentStorageFor({ settings, durableTask: hostSettings, appDir: app.appDir, logger });
      try {
        const backend = createAzureStorageBackend({ settings, durableTask: hostSettings, hubName, logger });
        const where = !azurite
          ? `the storage account of the '${connectionNameOf(hostSettings.storageProvider)}' setting`
          : azurite.startedHere
            ? `the bundled Azurite, data in ${path.join(app.appDir, '.azurite')}`
            : `the Azurite already running on port ${azurite.ports.blob}`;
        return {
          backend,
          type,
          hubName,
          connectionName: durableTask.storageProvider.connectionName ?? 'Storage',
          description: `AzureStorage (task hub '${hubName}' in ${where})`,
          close: async () => azurite?.stop(),
        };
      } catch (error) {
        await azurite?.stop();
        throw error;
      }
    }
    case 'azureManaged':
      throw new UsageError(
        `${app.hostConfig.source}: storageProvider type 'azureManaged' (the Durable Task Scheduler) cannot run locally yet. ` +
          `Run with --backend AzureStorage (Azurite) or --backend memory; the app's host.json can stay as it is for Azure.`,
      );
  }
}
