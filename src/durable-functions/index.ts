// The durable-functions v3 out-of-process protocol: translates between our core model and the JSON the
// durable-functions library consumes and produces (specs/durable-functions-protocol.md). Stateless.

export { runOrchestratorEpisode } from './orchestrator-episode';
export type { EpisodeOptions } from './orchestrator-episode';
export { DEFAULT_HTTP_ASYNC_SLEEP_MS, orchestrationTriggerJson, type OrchestrationTriggerInput } from './orchestration-payload';
export { decodePayload, encodePayload } from './json-payload';
export { buildEntityTriggerInput, entityBatchResult } from './entity-batch';
export { activityTriggerInput, activityResult } from './activity-invocation';
export { isBuiltInActivity, HTTP_ACTIVITY, RETRY_TIMEOUT_EXPIRED_ACTIVITY } from './built-in-names';
export { NonDeterministicOrchestrationError, OrchestratorProtocolError, OrchestratorWorkItemError } from './errors';
