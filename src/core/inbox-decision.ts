// What the engine decides for one instance from its inbox (inbox-processing.ts decides; orchestration-inbox.ts and
// entity-scheduler.ts produce the decisions): the shapes only, so the deciders and their dispatcher share them
// without importing one another.

import type { EntityOperationCalledEvent, EntityOperationSignaledEvent, HistoryEvent } from './history';
import type { InstanceCommit } from './instance-commit';
import type { InstanceRecord } from './instance';
import type { ActivityTask, OutboundMessage, TaskMessage } from './messages';

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
