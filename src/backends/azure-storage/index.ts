// The Azure Storage backend (DurableTask.AzureStorage layout) and what the CLI needs to set it up.

export { AzureStorageBackend, type AzureStorageBackendOptions } from './azure-storage-backend';
export { DEFAULT_TUNING, InvalidStorageProviderSettingError, tuningFromStorageProvider, type AzureStorageTuning } from './azure-storage-options';
export {
  connectionNameOf,
  createAzureStorageBackend,
  ensureDevelopmentStorageFor,
  resolveTaskHubName,
  type CreateAzureStorageBackendOptions,
  type DurableTaskHostSettings,
} from './create-azure-storage-backend';
export { AzuriteStartError, ensureDevelopmentStorage, startAzurite, type AzuriteInstance, type StartAzuriteOptions } from './azurite-launcher';
export {
  DEFAULT_CONNECTION_NAME,
  StorageConfigurationError,
  developmentConnectionString,
  resolveStorageConnection,
  type AppSettings,
  type StorageConnection,
} from './storage-connection';
export { PollingBackoff } from './polling-backoff';
export { StorageClients } from './storage-clients';
export { StorageUnavailableError, describeStorageFailure } from './storage-errors';
export { InvalidTaskHubNameError, TaskHubResources, sanitizeTaskHubName, validateTaskHubName } from './task-hub-names';
export { StorageTransactionCounter } from './transaction-counter';
