export { DurableWorker, type DurableWorkerOptions, type WorkerConcurrency } from './durable-worker';
export { findFunction, type FunctionInvoker, type InvocableFunction } from './function-invoker';
export { parseDurableTaskOptions, DurableTaskOptionsError, type DurableTaskOptions, type StorageProviderType } from './durable-task-options';
