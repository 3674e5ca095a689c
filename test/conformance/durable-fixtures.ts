// Builders for the records, messages and events the conformance suite stores. They are shaped like what the
// engine writes (a start carries the record's execution id, a response names the event it answers), so that
// backends which check messages against history (Azure Storage, specs/backends.md A8.1, A8.3) accept them.

import { randomUUID } from 'node:crypto';
import type {
  ActivityTask,
  EntityOperationSignaledEvent,
  EventRaisedEvent,
  ExecutionStartedEvent,
  HistoryEvent,
  InstanceRecord,
  OrchestratorStartedEvent,
  OutboundMessage,
  TaskCompletedEvent,
  TaskMessage,
  TaskScheduledEvent,
  TimerCreatedEvent,
  TimerFiredEvent,
} from '../../src/core';
import type { InboxMessage } from '../../src/backends';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** 32 hex digits, like the execution ids .NET and durable-functions make. */
export function newExecutionId(): string {
  return randomUUID().replace(/-/g, '');
}

export function orchestrationRecord(instanceId: string, createdMs: number, fields: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId,
    name: 'SayHelloSequence',
    executionId: newExecutionId(),
    status: 'Pending',
    createdAt: iso(createdMs),
    lastUpdatedAt: iso(createdMs),
    input: JSON.stringify({ instanceId }),
    ...fields,
  };
}

/** An entity's record as the engine writes it after its first batch ("@name@key", specs/durable-functions-protocol.md §4.1). */
export function entityRecord(instanceId: string, createdMs: number, fields: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId,
    name: instanceId.slice(1, instanceId.indexOf('@', 1)),
    executionId: newExecutionId(),
    status: 'Running',
    createdAt: iso(createdMs),
    lastUpdatedAt: iso(createdMs),
    entity: { state: '1', queue: [] },
    ...fields,
  };
}

/** The ExecutionStarted message createInstance puts in the new instance's inbox. */
export function startMessage(record: InstanceRecord): OutboundMessage {
  const event: ExecutionStartedEvent = {
    type: 'executionStarted',
    eventId: -1,
    timestamp: record.createdAt,
    name: record.name,
    input: record.input,
    orchestrationInstance: { instanceId: record.instanceId, executionId: record.executionId },
  };
  return { instanceId: record.instanceId, executionId: record.executionId, event };
}

export function raisedEvent(instanceId: string, name: string, data: unknown, atMs: number): OutboundMessage {
  const event: EventRaisedEvent = { type: 'eventRaised', eventId: -1, timestamp: iso(atMs), name, input: JSON.stringify(data) };
  return { instanceId, event };
}

export function entitySignal(entityId: string, operation: string, atMs: number): OutboundMessage {
  const event: EntityOperationSignaledEvent = {
    type: 'entityOperationSignaled',
    eventId: -1,
    timestamp: iso(atMs),
    requestId: randomUUID(),
    operation,
    input: '1',
    targetInstanceId: entityId,
  };
  return { instanceId: entityId, event };
}

export function orchestratorStarted(atMs: number): OrchestratorStartedEvent {
  return { type: 'orchestratorStarted', eventId: -1, timestamp: iso(atMs) };
}

export function taskScheduled(eventId: number, name: string, input: string | undefined, atMs: number): TaskScheduledEvent {
  return { type: 'taskScheduled', eventId, timestamp: iso(atMs), name, input };
}

/** The activity invocation for a TaskScheduled event of `record`'s current execution. */
export function activityTask(record: InstanceRecord, event: TaskScheduledEvent): ActivityTask {
  return { instanceId: record.instanceId, executionId: record.executionId, event };
}

/** The result message an activity worker sends back for `task`. */
export function activityResult(task: ActivityTask, result: string, atMs: number): OutboundMessage {
  const event: TaskCompletedEvent = { type: 'taskCompleted', eventId: -1, timestamp: iso(atMs), taskScheduledId: task.event.eventId, result };
  return { instanceId: task.instanceId, executionId: task.executionId, event };
}

export function timerCreated(eventId: number, fireAtMs: number, atMs: number): TimerCreatedEvent {
  return { type: 'timerCreated', eventId, timestamp: iso(atMs), fireAt: iso(fireAtMs) };
}

/** The TimerFired message an orchestration sends itself, visible at `fireAtMs` (specs/backends.md A11). */
export function timerFiredMessage(record: InstanceRecord, timerId: number, fireAtMs: number, atMs: number): OutboundMessage {
  const event: TimerFiredEvent = { type: 'timerFired', eventId: -1, timestamp: iso(atMs), timerId, fireAt: iso(fireAtMs) };
  return { instanceId: record.instanceId, executionId: record.executionId, event, visibleAt: fireAtMs };
}

/** A message as it was sent, without what the inbox added (id, dequeue count) and without its visibility time. */
export function sent(message: OutboundMessage | InboxMessage): TaskMessage {
  return message.executionId === undefined
    ? { instanceId: message.instanceId, event: message.event }
    : { instanceId: message.instanceId, executionId: message.executionId, event: message.event };
}

export function eventsOf(messages: readonly (OutboundMessage | InboxMessage)[]): HistoryEvent[] {
  return messages.map((message) => message.event);
}
