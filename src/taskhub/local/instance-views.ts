// How stored instance records look to clients: orchestration states and entity states.

import { parseSchedulerId, type EntityRequestEvent, type InstanceRecord } from '../../core';
import type { EntityState, OrchestrationState, QueuedEntityRequest } from '../task-hub';

export function orchestrationState(record: InstanceRecord): OrchestrationState {
  return {
    instanceId: record.instanceId,
    name: record.name,
    version: record.version,
    executionId: record.executionId,
    status: record.status,
    createdAt: record.createdAt,
    lastUpdatedAt: record.lastUpdatedAt,
    completedAt: record.completedAt,
    input: record.input,
    output: record.output,
    customStatus: record.customStatus,
    failureDetails: record.failureDetails,
    parentInstanceId: record.parentInstanceId,
  };
}

/** An entity exists while it has state (specs/durable-functions-protocol.md §4.2: deleting it drops the state). */
export function entityState(record: InstanceRecord, includeState = true): EntityState | undefined {
  const scheduler = record.entity;
  if (scheduler?.state === undefined) return undefined;
  const { name, key } = parseSchedulerId(record.instanceId);
  return {
    instanceId: record.instanceId,
    name,
    key,
    state: includeState ? scheduler.state : undefined,
    lastModifiedAt: record.lastUpdatedAt,
    lockedBy: scheduler.lockedBy,
    backlogQueueSize: scheduler.queue.length,
    backlog: scheduler.queue.map(queuedRequest),
  };
}

function queuedRequest(event: EntityRequestEvent): QueuedEntityRequest {
  switch (event.type) {
    case 'entityOperationSignaled':
      return { kind: 'operation', operation: event.operation, sentAt: event.timestamp };
    case 'entityOperationCalled':
      return { kind: 'operation', operation: event.operation, from: event.parentInstanceId, sentAt: event.timestamp };
    case 'entityLockRequested':
      return { kind: 'lock', from: event.parentInstanceId, sentAt: event.timestamp };
    case 'entityUnlockSent':
      return { kind: 'unlock', from: event.parentInstanceId, sentAt: event.timestamp };
  }
}
