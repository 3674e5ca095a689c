export { DurableWorker } from './durable-worker';
export { findFunction, type FunctionInvoker } from './function-invoker';
export { parseDurableTaskOptions, storageProviderTypeOf, DurableTaskOptionsError, type DurableTaskOptions, type StorageProviderType } from './durable-task-options';
