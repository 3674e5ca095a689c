// The engine's first step for one instance: given its record, its history and a batch of inbox messages,
// decide what happens. Either the engine commits the outcome itself (no user code needed, possibly keeping
// messages that must wait for the execution to start), or it asks a worker to run an orchestrator episode or an
// entity batch.

import type { EngineContext } from './engine-context';
import { isEntityInstanceId } from './entity-id';
import { processEntityInbox } from './entity-scheduler';
import type { EntityOperationCalledEvent, EntityOperationSignaledEvent, HistoryEvent } from './history';
import type { InstanceCommit } from './instance-commit';
import type { InstanceRecord } from './instance';
import type { ActivityTask, OutboundMessage, TaskMessage } from './messages';
import { processOrchestrationInbox } from './orchestration-inbox';
import type { EntityWorkItem, OrchestratorWorkItem } from './work-items';

/** A message taken from an instance's inbox; the id lets a commit keep it there. */
export interface InboxEntry extends TaskMessage {
  messageId: string;
}

/** One instance's state and the messages that arrived for it (a backend's InstanceWorkItem fits). */
export interface InboxBatch {
  instanceId: string;
  instance?: InstanceRecord;
  /** Committed history of the current execution. */
  history: readonly HistoryEvent[];
  messages: readonly InboxEntry[];
}

/** An orchestrator episode to run, with everything needed to commit its result later. */
export interface OrchestrationEpisode {
  instanceId: string;
  executionId: string;
  /** The record as the episode starts (status Running). */
  record: InstanceRecord;
  pastEvents: HistoryEvent[];
  /** This episode's events; the first is its orchestratorStarted. */
  newEvents: HistoryEvent[];
  /** The stored history is replaced by pastEvents + this episode (a new execution, a rewind). */
  replaceHistory: boolean;
  /** Decided while reading the inbox; committed together with the episode's result. */
  messages: OutboundMessage[];
  activities: ActivityTask[];
}

export type EntityOperationEvent = EntityOperationSignaledEvent | EntityOperationCalledEvent;

/** A batch of entity operations to run, with everything needed to commit its result later. */
export interface EntityBatch {
  instanceId: string;
  /** The record with the scheduler state after these operations left its queue. */
  record: InstanceRecord;
  /** The operations, in the order they run. */
  requests: EntityOperationEvent[];
  /** Decided while scheduling (lock grants, a wake-up for work left over); committed with the result. */
  messages: OutboundMessage[];
}

export type InboxDecision =
  | { kind: 'commit'; commit: InstanceCommit }
  | { kind: 'orchestrator'; episode: OrchestrationEpisode }
  | { kind: 'entity'; batch: EntityBatch };

export function processInbox(batch: InboxBatch, context: EngineContext): InboxDecision {
  return isEntityInstanceId(batch.instanceId) ? processEntityInbox(batch, context) : processOrchestrationInbox(batch, context);
}

export function orchestratorWorkItem(episode: OrchestrationEpisode, completionToken: string): OrchestratorWorkItem {
  return {
    kind: 'orchestrator',
    instanceId: episode.instanceId,
    executionId: episode.executionId,
    pastEvents: episode.pastEvents,
    newEvents: episode.newEvents,
    completionToken,
  };
}

export function entityWorkItem(batch: EntityBatch, completionToken: string): EntityWorkItem {
  return {
    kind: 'entity',
    instanceId: batch.instanceId,
    entityState: batch.record.entity?.state,
    operations: batch.requests.map((request) => ({
      requestId: request.requestId,
      operation: request.operation,
      input: request.input,
      isSignal: request.type === 'entityOperationSignaled',
      ...(request.type === 'entityOperationCalled' && { caller: { instanceId: request.parentInstanceId, executionId: request.parentExecutionId } }),
    })),
    completionToken,
  };
}
