// The Durable Task history model (specs/backends.md Part B, B3 "HistoryEvent"), as plain data.
// Payloads (inputs, results) are serialized JSON strings, exactly as the protocol carries them;
// `undefined` stands for the protocol's null StringValue. Times are ISO-8601 UTC strings with a `Z`.

import type { FailureDetails } from './failure';
import type { RuntimeStatus } from './status';

/** The instance an event or message belongs to. `executionId` changes on continue-as-new. */
export interface OrchestrationInstance {
  instanceId: string;
  executionId: string;
}

export interface ParentInstance {
  /** The event id of the parent's `subOrchestrationInstanceCreated` event. */
  taskScheduledId: number;
  name: string;
  version?: string;
  instanceId: string;
  executionId: string;
}

interface EventBase {
  /** The sequence number the orchestrator assigned (`-1` for events it did not schedule). */
  eventId: number;
  timestamp: string;
}

export interface ExecutionStartedEvent extends EventBase {
  type: 'executionStarted';
  name: string;
  version?: string;
  input?: string;
  orchestrationInstance: OrchestrationInstance;
  parentInstance?: ParentInstance;
  scheduledStartTimestamp?: string;
  tags?: Record<string, string>;
}
export interface ExecutionCompletedEvent extends EventBase {
  type: 'executionCompleted';
  orchestrationStatus: RuntimeStatus;
  result?: string;
  failureDetails?: FailureDetails;
}
export interface ExecutionTerminatedEvent extends EventBase {
  type: 'executionTerminated';
  input?: string;
  recurse?: boolean;
}
export interface ExecutionSuspendedEvent extends EventBase {
  type: 'executionSuspended';
  input?: string;
}
export interface ExecutionResumedEvent extends EventBase {
  type: 'executionResumed';
  input?: string;
}
export interface ExecutionRewoundEvent extends EventBase {
  type: 'executionRewound';
  reason?: string;
}
export interface TaskScheduledEvent extends EventBase {
  type: 'taskScheduled';
  name: string;
  version?: string;
  input?: string;
  tags?: Record<string, string>;
}
export interface TaskCompletedEvent extends EventBase {
  type: 'taskCompleted';
  taskScheduledId: number;
  result?: string;
}
export interface TaskFailedEvent extends EventBase {
  type: 'taskFailed';
  taskScheduledId: number;
  failureDetails: FailureDetails;
}
export interface SubOrchestrationInstanceCreatedEvent extends EventBase {
  type: 'subOrchestrationInstanceCreated';
  instanceId: string;
  name: string;
  version?: string;
  input?: string;
}
export interface SubOrchestrationInstanceCompletedEvent extends EventBase {
  type: 'subOrchestrationInstanceCompleted';
  taskScheduledId: number;
  result?: string;
}
export interface SubOrchestrationInstanceFailedEvent extends EventBase {
  type: 'subOrchestrationInstanceFailed';
  taskScheduledId: number;
  failureDetails: FailureDetails;
}
export interface TimerCreatedEvent extends EventBase {
  type: 'timerCreated';
  fireAt: string;
}
export interface TimerFiredEvent extends EventBase {
  type: 'timerFired';
  timerId: number;
  fireAt: string;
}
export interface OrchestratorStartedEvent extends EventBase {
  type: 'orchestratorStarted';
}
export interface OrchestratorCompletedEvent extends EventBase {
  type: 'orchestratorCompleted';
}
export interface EventSentEvent extends EventBase {
  type: 'eventSent';
  instanceId: string;
  name: string;
  input?: string;
}
export interface EventRaisedEvent extends EventBase {
  type: 'eventRaised';
  name: string;
  input?: string;
}
export interface ContinueAsNewEvent extends EventBase {
  type: 'continueAsNew';
  input?: string;
}

// --- Entities (B3 fields 23–29). Entity ids are scheduler ids: "@<lower-cased name>@<key>".

export interface EntityOperationSignaledEvent extends EventBase {
  type: 'entityOperationSignaled';
  requestId: string;
  operation: string;
  input?: string;
  scheduledTime?: string;
  targetInstanceId: string;
}
export interface EntityOperationCalledEvent extends EventBase {
  type: 'entityOperationCalled';
  requestId: string;
  operation: string;
  input?: string;
  scheduledTime?: string;
  parentInstanceId: string;
  parentExecutionId: string;
  targetInstanceId: string;
}
export interface EntityOperationCompletedEvent extends EventBase {
  type: 'entityOperationCompleted';
  requestId: string;
  output?: string;
}
export interface EntityOperationFailedEvent extends EventBase {
  type: 'entityOperationFailed';
  requestId: string;
  failureDetails: FailureDetails;
}
export interface EntityLockRequestedEvent extends EventBase {
  type: 'entityLockRequested';
  criticalSectionId: string;
  /** Scheduler ids, sorted and de-duplicated; locks are taken in this order. */
  lockSet: string[];
  /** Index in `lockSet` of the entity this request is addressed to. */
  position: number;
  parentInstanceId: string;
}
export interface EntityLockGrantedEvent extends EventBase {
  type: 'entityLockGranted';
  criticalSectionId: string;
}
export interface EntityUnlockSentEvent extends EventBase {
  type: 'entityUnlockSent';
  criticalSectionId: string;
  parentInstanceId: string;
  targetInstanceId: string;
}

export type HistoryEvent =
  | ExecutionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionTerminatedEvent
  | ExecutionSuspendedEvent
  | ExecutionResumedEvent
  | ExecutionRewoundEvent
  | TaskScheduledEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | SubOrchestrationInstanceCreatedEvent
  | SubOrchestrationInstanceCompletedEvent
  | SubOrchestrationInstanceFailedEvent
  | TimerCreatedEvent
  | TimerFiredEvent
  | OrchestratorStartedEvent
  | OrchestratorCompletedEvent
  | EventSentEvent
  | EventRaisedEvent
  | ContinueAsNewEvent
  | EntityOperationSignaledEvent
  | EntityOperationCalledEvent
  | EntityOperationCompletedEvent
  | EntityOperationFailedEvent
  | EntityLockRequestedEvent
  | EntityLockGrantedEvent
  | EntityUnlockSentEvent;

export type HistoryEventType = HistoryEvent['type'];

/** Picks the event interface for one `type`, e.g. `EventOf<'timerFired'>`. */
export type EventOf<T extends HistoryEventType> = Extract<HistoryEvent, { type: T }>;

/** The payload of an event without its envelope, for building events. */
export type EventBody<T extends HistoryEventType> = Omit<EventOf<T>, 'eventId' | 'timestamp'>;

/** Events an entity receives in its inbox. */
export type EntityRequestEvent =
  | EntityOperationSignaledEvent
  | EntityOperationCalledEvent
  | EntityLockRequestedEvent
  | EntityUnlockSentEvent;

/** Builds an event that was not scheduled by the orchestrator (eventId -1). `T` is inferred from `body.type`. */
export function inboundEvent<T extends HistoryEventType>(body: EventBody<T> & { type: T }, timestamp: string): EventOf<T> {
  return { eventId: -1, timestamp, ...body } as EventOf<T>;
}
