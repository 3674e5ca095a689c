// durable-runtime's public face: run a Functions app (with Durable Functions) in this process, and test one.
// The CLI (`durable-runtime start`) is the usual way in; these are for embedding and for jest tests.

export { startFunctionsApp, DEFAULT_PORT, type StartFunctionsAppOptions, type StorageProviderType } from './durable-extension';
export type { FunctionsHost, FunctionApp } from './functions-host';
export type { Logger } from './core';
export {
  createTestEnvironment,
  runOrchestration,
  appGlobal,
  type TestEnvironment,
  type TestEnvironmentOptions,
  type RunOrchestrationOptions,
  type TestDurableClient,
  type WaitOptions,
  type ActivityMock,
  type EntityMock,
} from './testing';
