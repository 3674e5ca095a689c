// The durable extension: turns a loaded Functions app plus its settings into a running Durable Functions
// extension (storage choice, task hub, worker, HTTP management API, durableClient binding, /runtime mounts,
// start and stop). `durable-runtime start` (src/cli) and createTestEnvironment (src/testing) both use it.

export {
  createDurableExtension,
  type DurableExtension,
  type DurableExtensionOptions,
  type RunningDurableExtension,
  type RuntimeMount,
} from './durable-extension';
export { STORAGE_PROVIDERS, type DurableStorage, type StorageProvider, type StorageProviderContext } from './storage-providers';
export {
  parseDurableTaskOptions,
  storageProviderTypeOf,
  DurableTaskOptionsError,
  type DurableTaskOptions,
  type StorageProviderType,
} from './durable-task-options';
export { startFunctionsApp, DEFAULT_PORT, type StartFunctionsAppOptions } from './start-functions-app';
export { StorageProviderUnavailableError } from './errors';
