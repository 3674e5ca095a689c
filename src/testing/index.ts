// Testing a durable app in-process: createTestEnvironment (the app on the memory backend with time skipping, through
// the same durable extension as `durable-runtime start`) and runOrchestration for the one-call case.

export { createTestEnvironment, type TestEnvironment, type TestEnvironmentOptions } from './test-environment';
export { runOrchestration, type RunOrchestrationOptions } from './run-orchestration';
export type { TestDurableClient, WaitOptions } from './test-durable-client';
export type { ActivityMock, EntityMock } from './function-mocks';
/** The global object your app's modules see; under jest it is not the test file's `globalThis`. */
export { appGlobal } from '../functions-host';
