// Core history events ⇄ DurableTask.Core history classes (specs/backends.md A4.2, A5.3). One field mapping serves
// both storage shapes: queue JSON (numeric enums, nested objects with `$type`) and History table rows (enum names,
// Edm types, nested objects as plain JSON strings); each shape supplies its own reader and writer.

import { DurableRuntimeError } from '../../core';
import type { FailureDetails, HistoryEvent, ParentInstance, RuntimeStatus } from '../../core';
import { DOTNET_TYPES, failureFromJson, failureObject, type DotNetObject } from './dotnet-json';
import { withoutUndefined } from './without-undefined';
import { decodeEntityEvent, encodeEntityEvent, isEntityEvent, type EntityEventType } from './entity-messages';

/** DurableTask.Core `EventType`, in enum order (A4.2). */
export const DT_EVENT_TYPES = [
  'ExecutionStarted',
  'ExecutionCompleted',
  'ExecutionFailed',
  'ExecutionTerminated',
  'TaskScheduled',
  'TaskCompleted',
  'TaskFailed',
  'SubOrchestrationInstanceCreated',
  'SubOrchestrationInstanceCompleted',
  'SubOrchestrationInstanceFailed',
  'TimerCreated',
  'TimerFired',
  'OrchestratorStarted',
  'OrchestratorCompleted',
  'EventSent',
  'EventRaised',
  'ContinueAsNew',
  'GenericEvent',
  'HistoryState',
  'ExecutionSuspended',
  'ExecutionResumed',
  'ExecutionRewound',
] as const;
export type DtEventType = (typeof DT_EVENT_TYPES)[number];

export interface DtFieldWriter {
  eventType(type: DtEventType): void;
  string(name: string, value: string | undefined): void;
  int(name: string, value: number): void;
  bool(name: string, value: boolean): void;
  /** ISO-8601 UTC. */
  date(name: string, value: string | undefined): void;
  object(name: string, value: DotNetObject | null): void;
  status(name: string, value: RuntimeStatus): void;
}

export interface DtFieldReader {
  eventType(): DtEventType;
  string(name: string): string | undefined;
  int(name: string): number | undefined;
  bool(name: string): boolean | undefined;
  date(name: string): string | undefined;
  /** The object without `$type` members, or undefined for null/absent. */
  object<T = Record<string, unknown>>(name: string): T | undefined;
  status(name: string): RuntimeStatus | undefined;
}

/** Marks an entity event stored as EventSent/EventRaised, so it reads back as the same core event. */
export const ENTITY_EVENT_FIELD = 'EntityEvent';

/** Thrown for stored data that is not a history event we understand; the caller decides what to do with it. */
export class UnreadableHistoryEventError extends DurableRuntimeError {
  constructor(detail: string) {
    super(`Unreadable Durable Task history event: ${detail}`);
  }
}

export function writeHistoryEvent(event: HistoryEvent, w: DtFieldWriter): void {
  if (isEntityEvent(event)) {
    writeEntityEvent(event, w);
    return;
  }
  w.eventType(dtTypeOf(event));
  w.int('EventId', event.eventId);
  w.bool('IsPlayed', false);
  w.date('Timestamp', event.timestamp);
  switch (event.type) {
    case 'executionStarted':
      w.object('OrchestrationInstance', orchestrationInstanceObject(event.orchestrationInstance.instanceId, event.orchestrationInstance.executionId));
      w.object('ParentInstance', event.parentInstance ? parentInstanceObject(event.parentInstance) : null);
      w.string('Name', event.name);
      w.string('Version', event.version);
      w.string('Input', event.input);
      w.object('Tags', tagsObject(event.tags));
      w.date('ScheduledStartTime', event.scheduledStartTimestamp);
      w.int('Generation', 0);
      return;
    case 'executionCompleted':
      w.status('OrchestrationStatus', event.orchestrationStatus);
      w.string('Result', event.result);
      w.object('FailureDetails', failureObject(event.failureDetails));
      return;
    case 'continueAsNew':
      w.status('OrchestrationStatus', 'ContinuedAsNew');
      w.string('Result', event.input);
      return;
    case 'executionTerminated':
      w.string('Input', event.input);
      if (event.recurse !== undefined) w.bool('Recurse', event.recurse);
      return;
    case 'executionSuspended':
    case 'executionResumed':
      w.string('Reason', event.input);
      return;
    case 'executionRewound':
      w.string('Reason', event.reason);
      return;
    case 'taskScheduled':
      w.string('Name', event.name);
      w.string('Version', event.version);
      w.string('Input', event.input);
      w.object('Tags', tagsObject(event.tags));
      return;
    case 'taskCompleted':
    case 'subOrchestrationInstanceCompleted':
      w.int('TaskScheduledId', event.taskScheduledId);
      w.string('Result', event.result);
      return;
    case 'taskFailed':
    case 'subOrchestrationInstanceFailed':
      w.int('TaskScheduledId', event.taskScheduledId);
      // Reason/Details are what DT.Core readers without FailureDetails support show (A5.3).
      w.string('Reason', event.failureDetails.errorMessage);
      w.string('Details', event.failureDetails.stackTrace);
      w.object('FailureDetails', failureObject(event.failureDetails));
      return;
    case 'subOrchestrationInstanceCreated':
      w.string('Name', event.name);
      w.string('Version', event.version);
      w.string('InstanceId', event.instanceId);
      w.string('Input', event.input);
      return;
    case 'timerCreated':
      w.date('FireAt', event.fireAt);
      return;
    case 'timerFired':
      w.int('TimerId', event.timerId);
      w.date('FireAt', event.fireAt);
      return;
    case 'orchestratorStarted':
    case 'orchestratorCompleted':
      return;
    case 'eventSent':
      w.string('InstanceId', event.instanceId);
      w.string('Name', event.name);
      w.string('Input', event.input);
      return;
    case 'eventRaised':
      w.string('Name', event.name);
      w.string('Input', event.input);
      return;
  }
}

/**
 * Reads one event. `instanceId` is the instance the event belongs to (the message target or the history
 * partition): DF-style entity requests carry their target only that way.
 */
export function readHistoryEvent(r: DtFieldReader, instanceId: string): HistoryEvent {
  const type = r.eventType();
  const eventId = r.int('EventId') ?? -1;
  const timestamp = required(r.date('Timestamp'), 'Timestamp', type);
  const base = { eventId, timestamp };
  const entity = readEntityEvent(type, r, instanceId, base);
  if (entity) return entity;
  switch (type) {
    case 'ExecutionStarted': {
      const instance = r.object<{ InstanceId?: string; ExecutionId?: string }>('OrchestrationInstance');
      const parent = r.object<ParentInstanceJson>('ParentInstance');
      return withoutUndefined({
        type: 'executionStarted',
        ...base,
        name: required(r.string('Name'), 'Name', type),
        version: r.string('Version'),
        input: r.string('Input'),
        orchestrationInstance: { instanceId: instance?.InstanceId ?? instanceId, executionId: instance?.ExecutionId ?? '' },
        parentInstance: parent ? parentInstanceFromJson(parent) : undefined,
        scheduledStartTimestamp: r.date('ScheduledStartTime'),
        tags: tagsFromJson(r.object('Tags')),
      });
    }
    case 'ExecutionCompleted':
    case 'ExecutionFailed':
      return withoutUndefined({
        type: 'executionCompleted',
        ...base,
        orchestrationStatus: r.status('OrchestrationStatus') ?? (type === 'ExecutionFailed' ? 'Failed' : 'Completed'),
        result: r.string('Result'),
        failureDetails: failureFromJson(r.object('FailureDetails')),
      });
    case 'ContinueAsNew':
      return withoutUndefined({ type: 'continueAsNew', ...base, input: r.string('Result') });
    case 'ExecutionTerminated':
      return withoutUndefined({ type: 'executionTerminated', ...base, input: r.string('Input'), recurse: r.bool('Recurse') });
    case 'ExecutionSuspended':
      return withoutUndefined({ type: 'executionSuspended', ...base, input: r.string('Reason') });
    case 'ExecutionResumed':
      return withoutUndefined({ type: 'executionResumed', ...base, input: r.string('Reason') });
    case 'ExecutionRewound':
      return withoutUndefined({ type: 'executionRewound', ...base, reason: r.string('Reason') });
    case 'TaskScheduled':
      return withoutUndefined({
        type: 'taskScheduled',
        ...base,
        name: required(r.string('Name'), 'Name', type),
        version: r.string('Version'),
        input: r.string('Input'),
        tags: tagsFromJson(r.object('Tags')),
      });
    case 'TaskCompleted':
    case 'SubOrchestrationInstanceCompleted':
      return withoutUndefined({
        type: type === 'TaskCompleted' ? 'taskCompleted' : 'subOrchestrationInstanceCompleted',
        ...base,
        taskScheduledId: required(r.int('TaskScheduledId'), 'TaskScheduledId', type),
        result: r.string('Result'),
      });
    case 'TaskFailed':
    case 'SubOrchestrationInstanceFailed':
      return {
        type: type === 'TaskFailed' ? 'taskFailed' : 'subOrchestrationInstanceFailed',
        ...base,
        taskScheduledId: required(r.int('TaskScheduledId'), 'TaskScheduledId', type),
        failureDetails: failureFromJson(r.object('FailureDetails')) ?? failureFromReason(r.string('Reason'), r.string('Details')),
      };
    case 'SubOrchestrationInstanceCreated':
      return withoutUndefined({
        type: 'subOrchestrationInstanceCreated',
        ...base,
        instanceId: required(r.string('InstanceId'), 'InstanceId', type),
        name: required(r.string('Name'), 'Name', type),
        version: r.string('Version'),
        input: r.string('Input'),
      });
    case 'TimerCreated':
      return { type: 'timerCreated', ...base, fireAt: required(r.date('FireAt'), 'FireAt', type) };
    case 'TimerFired':
      return {
        type: 'timerFired',
        ...base,
        timerId: required(r.int('TimerId'), 'TimerId', type),
        fireAt: required(r.date('FireAt'), 'FireAt', type),
      };
    case 'OrchestratorStarted':
      return { type: 'orchestratorStarted', ...base };
    case 'OrchestratorCompleted':
      return { type: 'orchestratorCompleted', ...base };
    case 'EventSent':
      return withoutUndefined({
        type: 'eventSent',
        ...base,
        instanceId: required(r.string('InstanceId'), 'InstanceId', type),
        name: required(r.string('Name'), 'Name', type),
        input: r.string('Input'),
      });
    case 'EventRaised':
      return withoutUndefined({ type: 'eventRaised', ...base, name: required(r.string('Name'), 'Name', type), input: r.string('Input') });
    case 'GenericEvent':
    case 'HistoryState':
      throw new UnreadableHistoryEventError(`event type ${type} is not used by durable-runtime`);
  }
}

// --- Entity events travel as DF's EventSent/EventRaised messages (specs/durable-functions-protocol.md §4.3).

function writeEntityEvent(event: Extract<HistoryEvent, { type: EntityEventType }>, w: DtFieldWriter): void {
  const encoded = encodeEntityEvent(event);
  // Scheduled by the orchestrator (eventId ≥ 0): DF records it as EventSent; inbound: EventRaised.
  const sent = event.eventId >= 0 && encoded.target !== undefined;
  w.eventType(sent ? 'EventSent' : 'EventRaised');
  w.int('EventId', event.eventId);
  w.bool('IsPlayed', false);
  w.date('Timestamp', event.timestamp);
  if (sent) w.string('InstanceId', encoded.target);
  w.string('Name', encoded.name);
  w.string('Input', encoded.input);
  w.string(ENTITY_EVENT_FIELD, event.type);
}

function readEntityEvent(
  type: DtEventType,
  r: DtFieldReader,
  instanceId: string,
  base: { eventId: number; timestamp: string },
): HistoryEvent | undefined {
  if (type !== 'EventSent' && type !== 'EventRaised') return undefined;
  const marker = r.string(ENTITY_EVENT_FIELD) as EntityEventType | undefined;
  const name = r.string('Name') ?? '';
  const target = type === 'EventSent' ? r.string('InstanceId') ?? '' : instanceId;
  // Messages written by DF itself carry no marker; requests addressed to an entity are still recognizable.
  if (marker === undefined && !(target.startsWith('@') && /^(op(@.*)?|release)$/.test(name))) return undefined;
  return decodeEntityEvent({ name, input: r.string('Input'), target }, marker, base);
}

// --- Nested objects

interface ParentInstanceJson {
  Name?: string;
  Version?: string;
  TaskScheduleId?: number;
  OrchestrationInstance?: { InstanceId?: string; ExecutionId?: string };
}

export function orchestrationInstanceObject(instanceId: string, executionId: string | undefined): DotNetObject {
  return { $type: DOTNET_TYPES.orchestrationInstance, InstanceId: instanceId, ExecutionId: executionId ?? null };
}

function parentInstanceObject(parent: ParentInstance): DotNetObject {
  return {
    $type: DOTNET_TYPES.parentInstance,
    Name: parent.name,
    OrchestrationInstance: orchestrationInstanceObject(parent.instanceId, parent.executionId),
    TaskScheduleId: parent.taskScheduledId,
    Version: parent.version ?? null,
  };
}

function parentInstanceFromJson(json: ParentInstanceJson): ParentInstance {
  return withoutUndefined({
    taskScheduledId: json.TaskScheduleId ?? -1,
    name: json.Name ?? '',
    version: json.Version ?? undefined,
    instanceId: json.OrchestrationInstance?.InstanceId ?? '',
    executionId: json.OrchestrationInstance?.ExecutionId ?? '',
  });
}

function tagsObject(tags: Record<string, string> | undefined): DotNetObject | null {
  return tags ? { $type: DOTNET_TYPES.stringDictionary, ...tags } : null;
}

function tagsFromJson(json: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!json) return undefined;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
}

function failureFromReason(reason: string | undefined, details: string | undefined): FailureDetails {
  return withoutUndefined({ errorType: 'Error', errorMessage: reason ?? '', stackTrace: details });
}

/** 'taskScheduled' → 'TaskScheduled': the core names are DT.Core's, camel-cased. */
function dtTypeOf(event: HistoryEvent): DtEventType {
  return (event.type.charAt(0).toUpperCase() + event.type.slice(1)) as DtEventType;
}

function required<T>(value: T | undefined, field: string, type: DtEventType): T {
  if (value === undefined) throw new UnreadableHistoryEventError(`${type} has no ${field}`);
  return value;
}
