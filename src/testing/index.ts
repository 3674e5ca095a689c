export { createTestEnvironment, type TestEnvironment, type TestEnvironmentOptions } from './test-environment';
export { TestClient, type TestOrchestrationStatus, type EntityStateResponse } from './test-client';
/** The global object your app's modules see; under jest it is not the test file's `globalThis`. */
export { appGlobal } from '../functions-host';
export type { RecordedOutput } from '../bindings';
