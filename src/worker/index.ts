export { DurableWorker, type WorkerConcurrency } from './durable-worker';
export { findFunction, type FunctionInvoker, type InvokeRequest } from './function-invoker';
export { runBuiltInActivity, type BuiltInActivityDeps } from './built-in-activities';
