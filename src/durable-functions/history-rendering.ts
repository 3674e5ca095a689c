// Our core history events rendered as the PascalCase events durable-functions replays
// (specs/durable-functions-protocol.md §2.2), including the legacy shapes it understands for entities (§4.3).

import { parseSchedulerId, runtimeStatusToNumber, type FailureDetails, type HistoryEvent } from '../core';
import { canonicalTimestamp } from './event-times';
import { activityFailureReason, failureDetailsText, subOrchestrationFailureReason } from './failure-text';

export interface JsHistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 with `Z`: the library turns every `Timestamp` into a Date (§2.2). */
  Timestamp: string;
  [field: string]: unknown;
}

/** `HistoryEventType` numbers (§2.2); identical to DTFx for 0–20. */
export const JsEventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

/** The content .NET sends with a lock grant; JS resolves the lock task without reading it (§4.3 Lock step 2). */
export const LOCK_GRANTED_RESPONSE = JSON.stringify({ result: 'Lock Acquisition Completed' });

export interface RenderContext {
  instanceId: string;
  executionId: string;
  /** Names of the tasks this execution scheduled, by event id: failure texts name them (§5.2). */
  scheduledNames: ReadonlyMap<number, string>;
}

/** Collects what `RenderContext.scheduledNames` needs from the history. */
export function scheduledNames(events: readonly HistoryEvent[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const event of events) {
    if (event.type === 'taskScheduled' || event.type === 'subOrchestrationInstanceCreated') names.set(event.eventId, event.name);
  }
  return names;
}

/** Renders one event; `undefined` for events durable-functions has no number for (executionRewound). */
export function renderEvent(event: HistoryEvent, isPlayed: boolean, context: RenderContext): JsHistoryEvent | undefined {
  const base = { EventId: event.eventId, IsPlayed: isPlayed, Timestamp: canonicalTimestamp(event.timestamp) };
  const nameOf = (id: number) => context.scheduledNames.get(id) ?? '(unknown)';
  switch (event.type) {
    case 'executionStarted':
      return {
        EventType: JsEventType.ExecutionStarted,
        ...base,
        Name: event.name,
        Input: event.input ?? null,
        Version: event.version ?? null,
        OrchestrationInstance: { InstanceId: event.orchestrationInstance.instanceId, ExecutionId: event.orchestrationInstance.executionId },
        ParentInstance: event.parentInstance
          ? {
              Name: event.parentInstance.name,
              Version: event.parentInstance.version ?? null,
              TaskScheduleId: event.parentInstance.taskScheduledId,
              OrchestrationInstance: { InstanceId: event.parentInstance.instanceId, ExecutionId: event.parentInstance.executionId },
            }
          : null,
        Tags: event.tags ?? null,
      };
    case 'executionCompleted':
      return {
        EventType: JsEventType.ExecutionCompleted,
        ...base,
        OrchestrationStatus: runtimeStatusToNumber(event.orchestrationStatus),
        Result: event.result ?? null,
      };
    case 'executionTerminated':
      return { EventType: JsEventType.ExecutionTerminated, ...base, Input: event.input ?? null };
    case 'executionSuspended':
      return { EventType: JsEventType.ExecutionSuspended, ...base, Reason: event.input ?? null };
    case 'executionResumed':
      return { EventType: JsEventType.ExecutionResumed, ...base, Reason: event.input ?? null };
    case 'executionRewound':
      return undefined;
    case 'taskScheduled':
      return { EventType: JsEventType.TaskScheduled, ...base, Name: event.name, Version: event.version ?? null, Input: event.input ?? null };
    case 'taskCompleted':
      // §2.5: Result must be JSON text or JSON null; `JSON.parse(null)` gives null.
      return { EventType: JsEventType.TaskCompleted, ...base, TaskScheduledId: event.taskScheduledId, Result: event.result ?? null };
    case 'taskFailed': {
      const name = nameOf(event.taskScheduledId);
      return {
        EventType: JsEventType.TaskFailed,
        ...base,
        TaskScheduledId: event.taskScheduledId,
        ...failurePayload(activityFailureReason(name, event.failureDetails), failureDetailsText(name, event.failureDetails), event.failureDetails),
      };
    }
    case 'subOrchestrationInstanceCreated':
      return {
        EventType: JsEventType.SubOrchestrationInstanceCreated,
        ...base,
        Name: event.name,
        InstanceId: event.instanceId,
        Input: event.input ?? null,
        Version: event.version ?? null,
      };
    case 'subOrchestrationInstanceCompleted':
      return { EventType: JsEventType.SubOrchestrationInstanceCompleted, ...base, TaskScheduledId: event.taskScheduledId, Result: event.result ?? null };
    case 'subOrchestrationInstanceFailed': {
      const name = nameOf(event.taskScheduledId);
      return {
        EventType: JsEventType.SubOrchestrationInstanceFailed,
        ...base,
        TaskScheduledId: event.taskScheduledId,
        ...failurePayload(subOrchestrationFailureReason(name, event.failureDetails), failureDetailsText(name, event.failureDetails), event.failureDetails),
      };
    }
    case 'timerCreated':
      return { EventType: JsEventType.TimerCreated, ...base, FireAt: event.fireAt };
    case 'timerFired':
      return { EventType: JsEventType.TimerFired, ...base, TimerId: event.timerId, FireAt: event.fireAt };
    case 'orchestratorStarted':
      return { EventType: JsEventType.OrchestratorStarted, ...base };
    case 'orchestratorCompleted':
      return { EventType: JsEventType.OrchestratorCompleted, ...base };
    case 'eventSent':
      return { EventType: JsEventType.EventSent, ...base, InstanceId: event.instanceId, Name: event.name, Input: event.input ?? null };
    case 'eventRaised':
      return { EventType: JsEventType.EventRaised, ...base, Name: event.name, Input: event.input ?? null };
    case 'continueAsNew':
      return { EventType: JsEventType.ContinueAsNew, ...base, Input: event.input ?? null };

    // §4.3: requests to entities replay as EventSent whose Input carries the request id JS re-keys the task by.
    case 'entityOperationCalled':
      return entityRequest(base, event.targetInstanceId, 'op', {
        op: event.operation,
        ...(event.input !== undefined && { input: event.input }),
        id: event.requestId,
        parent: event.parentInstanceId,
        parentExecution: event.parentExecutionId,
      });
    case 'entityOperationSignaled':
      return entityRequest(base, event.targetInstanceId, 'op', {
        op: event.operation,
        signal: true,
        ...(event.input !== undefined && { input: event.input }),
        id: event.requestId,
        parent: context.instanceId,
        parentExecution: context.executionId,
      });
    case 'entityLockRequested':
      return entityRequest(base, event.lockSet[event.position] ?? event.lockSet[0], 'op', {
        id: event.criticalSectionId,
        parent: event.parentInstanceId,
        parentExecution: context.executionId,
        lockset: event.lockSet.map(parseSchedulerId),
        pos: event.position,
      });
    case 'entityUnlockSent':
      return entityRequest(base, event.targetInstanceId, 'release', { parent: event.parentInstanceId, id: event.criticalSectionId });

    // §4.3: responses and lock grants replay as EventRaised named by the request id.
    case 'entityOperationCompleted':
      return { EventType: JsEventType.EventRaised, ...base, Name: event.requestId, Input: JSON.stringify({ result: event.output ?? null }) };
    case 'entityOperationFailed':
      // JS fails the call with `Error(JSON.parse(result))` when `exceptionType` is present.
      return {
        EventType: JsEventType.EventRaised,
        ...base,
        Name: event.requestId,
        Input: JSON.stringify({ result: JSON.stringify(event.failureDetails.errorMessage), exceptionType: event.failureDetails.errorType || 'Error' }),
      };
    case 'entityLockGranted':
      return { EventType: JsEventType.EventRaised, ...base, Name: event.criticalSectionId, Input: LOCK_GRANTED_RESPONSE };
  }
}

type EventEnvelope = Pick<JsHistoryEvent, 'EventId' | 'IsPlayed' | 'Timestamp'>;

function entityRequest(base: EventEnvelope, target: string, name: string, message: Record<string, unknown>): JsHistoryEvent {
  return { EventType: JsEventType.EventSent, ...base, InstanceId: target, Name: name, Input: JSON.stringify(message) };
}

/**
 * §5.2: string `Reason` and `Details` make the library fail the task with "<Reason> \n <Details>". Failures that
 * carry `properties` (an ExceptionPropertiesProvider is registered, §5.3) also get the typed FailureDetails, so
 * the orchestrator receives a TaskFailedError.
 */
function failurePayload(reason: string, details: string, failure: FailureDetails): Record<string, unknown> {
  return { Reason: reason, Details: details, FailureDetails: failure.properties ? pascalFailureDetails(failure) : null };
}

function pascalFailureDetails(failure: FailureDetails): Record<string, unknown> {
  return {
    ErrorType: failure.errorType,
    ErrorMessage: failure.errorMessage,
    StackTrace: failure.stackTrace ?? null,
    IsNonRetriable: failure.isNonRetriable ?? false,
    Properties: failure.properties ?? null,
    InnerFailure: failure.innerFailure ? pascalFailureDetails(failure.innerFailure) : null,
  };
}
