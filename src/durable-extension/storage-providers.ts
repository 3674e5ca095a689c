// Which storage the durable extension runs its task hub on, as the Durable extension reads it: host.json's
// `extensions.durableTask.storageProvider.type` (after the host's AzureFunctionsJobHost__* overrides), unless the
// caller chose one (`--backend`, DURABLE_RUNTIME_BACKEND, or a test's own). Each provider opens a TaskHub; the
// extension starts, serves and stops it the same way whatever is behind it (a local engine over a Backend, or a
// remote Durable Task Scheduler). A new provider is one more entry in STORAGE_PROVIDERS.

import path from 'node:path';
import type { Logger } from '../core';
import { MemoryBackend } from '../backends/memory';
import { connectionNameOf, createAzureStorageBackend, ensureDevelopmentStorageFor, resolveTaskHubName, type AppSettings } from '../backends/azure-storage';
import type { TaskHub } from '../taskhub';
import { LocalTaskHub } from '../taskhub/local';
import { nativeEnv, type FunctionApp } from '../functions-host';
import type { DurableTaskOptions, StorageProviderType } from './durable-task-options';
import { GrpcTaskHub, parseSchedulerConnectionString, resolveSchedulerTaskHub } from '../taskhub/grpc';
import { ensureLocalSchedulerEmulator } from './local-scheduler-emulator';
import { runtimeVersion } from './runtime-version';

/** A storage provider opened for one app: the task hub over it, and how to describe and release it. */
export interface DurableStorage {
  /** Not started yet: the extension starts it, and stops it before `close()`. */
  readonly taskHub: TaskHub;
  /** One line for the start-up log: which storage, where its state lives. */
  readonly description: string;
  /** A word for headers (the dashboard's): memory, AzureStorage, azureManaged. */
  readonly label: string;
  /** The connection name the management URLs show (`connection=`). */
  readonly connectionName: string;
  /** Releases what was started for the storage (the embedded Azurite), after the task hub has stopped. */
  close(): Promise<void>;
}

export interface StorageProviderContext {
  readonly app: FunctionApp;
  readonly durableTask: DurableTaskOptions;
  /** The app settings (local.settings.json Values over the environment). */
  readonly settings: AppSettings;
  /**
   * host.json `hubName` with its %SETTING% resolved by the Azure Storage rules, or the default. Resolved when read:
   * the Scheduler names hubs by its own rules and checks them against its connection string.
   */
  readonly hubName: string;
  readonly logger: Logger;
}

export type StorageProvider = (context: StorageProviderContext) => Promise<DurableStorage>;

const openMemoryStorage: StorageProvider = async ({ hubName, logger }) => ({
  taskHub: new LocalTaskHub({ backend: new MemoryBackend(), logger, name: hubName }),
  connectionName: 'Storage',
  label: 'memory',
  description: `memory (task hub '${hubName}'; state lives in this process and is gone when it stops)`,
  close: async () => undefined,
});

/** With `UseDevelopmentStorage=true` this uses a running Azurite or starts the bundled one (the embedded default). */
const openAzureStorage: StorageProvider = async ({ app, durableTask, hubName, settings, logger }) => {
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
      taskHub: new LocalTaskHub({ backend, logger, name: hubName }),
      connectionName: durableTask.storageProvider.connectionName ?? 'Storage',
      label: 'AzureStorage',
      description: `AzureStorage (task hub '${hubName}' in ${where})`,
      close: async () => azurite?.stop(),
    };
  } catch (error) {
    await azurite?.stop();
    throw error;
  }
};

/** The Durable extension's default setting name for the Scheduler connection string (specs/azure-deployment.md §3.3). */
const DEFAULT_SCHEDULER_CONNECTION_SETTING = 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING';

/**
 * The Durable Task Scheduler over gRPC. Its hub name follows the Scheduler's rules, not Azure Storage's, and must
 * agree with the connection string's TaskHub; a local endpoint with nothing listening gets `durable-runtime emulator`.
 */
const openAzureManagedStorage: StorageProvider = async ({ app, durableTask, settings, logger }) => {
  const provider = durableTask.storageProvider;
  const settingName = provider.connectionStringName ?? provider.connectionName ?? DEFAULT_SCHEDULER_CONNECTION_SETTING;
  const connection = parseSchedulerConnectionString(settings[settingName], settingName);
  const hubName = resolveSchedulerTaskHub({ hubName: durableTask.hubName, hostJsonSource: app.hostConfig.source, settings, connection, connectionSettingName: settingName });
  const emulator = await ensureLocalSchedulerEmulator(connection, logger);
  const where = `Authentication=${connection.authentication}${emulator ? `; ${emulator.description}` : ''}`;
  return {
    taskHub: new GrpcTaskHub({ connection, taskHub: hubName, settingName, concurrency: durableTask.concurrency, logger, userAgent: `durable-runtime/${runtimeVersion()}` }),
    connectionName: settingName,
    label: 'azureManaged',
    description: `azureManaged (task hub '${hubName}' at ${connection.endpoint}, ${where})`,
    close: async () => emulator?.stop(),
  };
};

export const STORAGE_PROVIDERS: Readonly<Record<StorageProviderType, StorageProvider>> = {
  memory: openMemoryStorage,
  AzureStorage: openAzureStorage,
  azureManaged: openAzureManagedStorage,
};

/** Opens `provider`, else the one `choice` names, else the one host.json names. */
export function openDurableStorage(options: {
  app: FunctionApp;
  durableTask: DurableTaskOptions;
  choice?: StorageProviderType;
  provider?: StorageProvider;
  logger: Logger;
}): Promise<DurableStorage> {
  const { app, durableTask, logger } = options;
  // The environment the app's settings were loaded into: Node's own, which under jest is not the test's process.env.
  const settings = nativeEnv as AppSettings;
  const open = options.provider ?? STORAGE_PROVIDERS[options.choice ?? durableTask.storageProvider.type];
  return open({
    app,
    durableTask,
    settings,
    logger,
    get hubName() {
      return resolveTaskHubName(durableTask.hubName, settings);
    },
  });
}
