// The one translation between the Durable Task Scheduler's protobuf messages (TaskHubSidecarService,
// specs/backends.md Part B) and the core model, used by the emulator (server) and the azureManaged task hub (client).

export { pb, TaskHubSidecarServiceService, TaskHubSidecarServiceClient, type ITaskHubSidecarServiceServer, StringValue, Int32Value, BoolValue, Timestamp, Duration, Empty, Value } from './proto';
export { ProtocolError } from './protocol-error';
export { toStringValue, fromStringValue, toTimestamp, fromTimestamp, readStringMap } from './wire-values';
export { toProtoStatus, fromProtoStatus } from './runtime-status';
export { toProtoFailure, fromProtoFailure } from './failure-details';
export { toProtoHistoryEvent, fromProtoHistoryEvent, toProtoInstance, fromProtoInstance } from './history-events';
export { toProtoAction, fromProtoAction } from './orchestrator-actions';
export { toProtoWorkItem, fromProtoWorkItem, healthPingWorkItem, type EntityRequestShape, type ToProtoWorkItemOptions } from './work-items';
export {
  toProtoOrchestratorResponse,
  fromProtoOrchestratorResponse,
  toProtoActivityResponse,
  fromProtoActivityResponse,
  toProtoEntityBatchResult,
  fromProtoEntityBatchResult,
  entityBatchFailure,
} from './work-item-results';
export {
  toProtoOrchestrationState,
  fromProtoOrchestrationState,
  toProtoEntityMetadata,
  fromProtoEntityMetadata,
  MAX_PURGE_BATCH,
  type OrchestrationStateFields,
  type EntityMetadataFields,
} from './instance-states';
