// The durable-functions v3 out-of-process protocol: translates between our core model and the JSON the
// durable-functions library consumes and produces (specs/durable-functions-protocol.md). Stateless.

export { runOrchestratorEpisode, DEFAULT_MAX_ORCHESTRATION_ACTIONS, MAX_CUSTOM_STATUS_BYTES } from './orchestrator-episode';
export type { EpisodeOptions, OrchestratorInvoker } from './orchestrator-episode';
export type { OrchestrationTriggerInput } from './orchestration-payload';
export type { JsHistoryEvent } from './history-rendering';
export { buildEntityTriggerInput, entityBatchResult } from './entity-batch';
export type { EntityTriggerInput } from './entity-batch';
export { activityTriggerInput, activityResult } from './activity-invocation';
export { isBuiltInActivity, HTTP_ACTIVITY, RETRY_TIMEOUT_EXPIRED_ACTIVITY } from './built-in-names';
export { runBuiltInActivity } from './built-in-activities';
export type { BuiltInActivityDeps } from './built-in-activities';
export type { DurableHttpRequestJson, DurableHttpResponseJson } from './http-activity';
export { NonDeterministicOrchestrationError, OrchestratorProtocolError, OrchestratorWorkItemError } from './errors';
