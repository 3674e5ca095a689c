// What clients read about instances (specs/backends.md B3): `OrchestrationState` and `EntityMetadata`. The
// fields are core's InstanceRecord's, so the task hub's OrchestrationState and EntityState fit as they are.

import { parseSchedulerId, type InstanceRecord } from '../core';
import { fromProtoFailure, toProtoFailure } from './failure-details';
import { withoutUndefined } from './history-events';
import { pb } from './proto';
import { fromProtoStatus, toProtoStatus } from './runtime-status';
import { fromStringValue, fromTimestamp, readStringMap, toStringValue, toTimestamp, writeStringMap } from './wire-values';

/** PurgeInstancesRequest.instanceBatch holds at most this many ids (B3). */
export const MAX_PURGE_BATCH = 500;

export type OrchestrationStateFields = Pick<
  InstanceRecord,
  'instanceId' | 'name' | 'version' | 'executionId' | 'status' | 'createdAt' | 'lastUpdatedAt' | 'completedAt' | 'input' | 'output' | 'customStatus' | 'failureDetails' | 'parentInstanceId'
> &
  Partial<Pick<InstanceRecord, 'scheduledStartAt' | 'tags'>>;

/** `includePayloads: false` leaves out input, output and custom status (GetInstanceRequest.getInputsAndOutputs). */
export function toProtoOrchestrationState(state: OrchestrationStateFields, includePayloads = true): pb.OrchestrationState {
  const message = new pb.OrchestrationState()
    .setInstanceid(state.instanceId)
    .setName(state.name)
    .setVersion(toStringValue(state.version))
    .setOrchestrationstatus(toProtoStatus(state.status))
    .setScheduledstarttimestamp(toTimestamp(state.scheduledStartAt))
    .setCreatedtimestamp(toTimestamp(state.createdAt))
    .setLastupdatedtimestamp(toTimestamp(state.lastUpdatedAt))
    .setCompletedtimestamp(toTimestamp(state.completedAt))
    .setExecutionid(toStringValue(state.executionId))
    .setParentinstanceid(toStringValue(state.parentInstanceId));
  if (includePayloads) {
    message.setInput(toStringValue(state.input)).setOutput(toStringValue(state.output)).setCustomstatus(toStringValue(state.customStatus));
  }
  if (state.failureDetails) message.setFailuredetails(toProtoFailure(state.failureDetails));
  writeStringMap(message.getTagsMap(), state.tags);
  return message;
}

export function fromProtoOrchestrationState(message: pb.OrchestrationState): OrchestrationStateFields {
  const failure = message.getFailuredetails();
  const createdAt = fromTimestamp(message.getCreatedtimestamp()) ?? new Date(0).toISOString();
  return withoutUndefined({
    instanceId: message.getInstanceid(),
    name: message.getName(),
    version: fromStringValue(message.getVersion()),
    executionId: fromStringValue(message.getExecutionid()) ?? '',
    status: fromProtoStatus(message.getOrchestrationstatus()),
    createdAt,
    lastUpdatedAt: fromTimestamp(message.getLastupdatedtimestamp()) ?? createdAt,
    completedAt: fromTimestamp(message.getCompletedtimestamp()),
    scheduledStartAt: fromTimestamp(message.getScheduledstarttimestamp()),
    input: fromStringValue(message.getInput()),
    output: fromStringValue(message.getOutput()),
    customStatus: fromStringValue(message.getCustomstatus()),
    failureDetails: failure && fromProtoFailure(failure),
    parentInstanceId: fromStringValue(message.getParentinstanceid()),
    tags: readStringMap(message.getTagsMap()),
  });
}

/** The fields of the task hub's EntityState. */
export interface EntityMetadataFields {
  /** Scheduler id "@name@key". */
  instanceId: string;
  name: string;
  key: string;
  state?: string;
  lastModifiedAt: string;
  lockedBy?: string;
  backlogQueueSize: number;
}

export function toProtoEntityMetadata(entity: Omit<EntityMetadataFields, 'name' | 'key'>, includeState: boolean): pb.EntityMetadata {
  return new pb.EntityMetadata()
    .setInstanceid(entity.instanceId)
    .setLastmodifiedtime(toTimestamp(entity.lastModifiedAt))
    .setBacklogqueuesize(entity.backlogQueueSize)
    .setLockedby(toStringValue(entity.lockedBy))
    .setSerializedstate(toStringValue(includeState ? entity.state : undefined));
}

export function fromProtoEntityMetadata(message: pb.EntityMetadata): EntityMetadataFields {
  const instanceId = message.getInstanceid();
  return withoutUndefined({
    instanceId,
    ...parseSchedulerId(instanceId),
    state: fromStringValue(message.getSerializedstate()),
    lastModifiedAt: fromTimestamp(message.getLastmodifiedtime()) ?? new Date(0).toISOString(),
    lockedBy: fromStringValue(message.getLockedby()),
    backlogQueueSize: message.getBacklogqueuesize(),
  });
}
