// `historyEvents` in the real extension's shape (specs/durable-functions-protocol.md §7; [ext]
// DurableClient.GetDurableOrchestrationStatusAsync): DTFx PascalCase names, EventType as a string,
// scheduling events folded into their completions (which gain FunctionName and ScheduledTime),
// OrchestratorStarted/Completed dropped, EventId/IsPlayed/TimerId dropped, inputs hidden, results only with
// showHistoryOutput.

import type { FailureDetails, HistoryEvent } from '../core';
import { parseStoredJson } from './stored-json';

export type HistoryEventPayload = { EventType: string; Timestamp: string } & Record<string, unknown>;

interface Scheduled {
  index: number;
  name: string;
  time: string;
}

export function toHistoryEvents(history: readonly HistoryEvent[], options: { showHistoryOutput: boolean }): HistoryEventPayload[] {
  const scheduled = new Map<string, Scheduled>();
  const dropped = new Set<number>();
  const result = (value: string | undefined) => (options.showHistoryOutput ? { Result: parseStoredJson(value) } : {});

  // Completions gain the name and time of the event that scheduled them, which is then dropped.
  const scheduledBy = (kind: string, taskScheduledId: number) => {
    const match = scheduled.get(`${kind}_${taskScheduledId}`);
    if (!match) return {};
    dropped.add(match.index);
    return { FunctionName: match.name, ScheduledTime: match.time };
  };

  const rendered = history.map((event, index): HistoryEventPayload | undefined => {
    const base = (type: string) => ({ EventType: type, Timestamp: event.timestamp });
    switch (event.type) {
      case 'executionStarted':
        return {
          ...base('ExecutionStarted'),
          FunctionName: event.name,
          ...(event.scheduledStartTimestamp ? { ScheduledStartTime: event.scheduledStartTimestamp } : {}),
        };
      case 'executionCompleted':
        return {
          ...base('ExecutionCompleted'),
          OrchestrationStatus: event.orchestrationStatus,
          ...result(event.result),
          ...(event.failureDetails ? { FailureDetails: failurePayload(event.failureDetails) } : {}),
        };
      case 'continueAsNew':
        return { ...base('ContinueAsNew'), ...result(event.input) };
      case 'executionTerminated':
        return base('ExecutionTerminated');
      case 'executionSuspended':
        return { ...base('ExecutionSuspended'), Reason: event.input ?? null };
      case 'executionResumed':
        return { ...base('ExecutionResumed'), Reason: event.input ?? null };
      case 'executionRewound':
        return { ...base('ExecutionRewound'), Reason: event.reason ?? null };
      case 'taskScheduled':
        scheduled.set(`taskScheduled_${event.eventId}`, { index, name: event.name, time: event.timestamp });
        return { ...base('TaskScheduled'), Name: event.name };
      case 'taskCompleted':
        return { ...base('TaskCompleted'), ...scheduledBy('taskScheduled', event.taskScheduledId), ...result(event.result) };
      case 'taskFailed':
        return { ...base('TaskFailed'), ...scheduledBy('taskScheduled', event.taskScheduledId), ...failedFields(event.failureDetails) };
      case 'subOrchestrationInstanceCreated':
        scheduled.set(`subOrchestration_${event.eventId}`, { index, name: event.name, time: event.timestamp });
        return { ...base('SubOrchestrationInstanceCreated'), Name: event.name, InstanceId: event.instanceId };
      case 'subOrchestrationInstanceCompleted':
        return {
          ...base('SubOrchestrationInstanceCompleted'),
          ...scheduledBy('subOrchestration', event.taskScheduledId),
          ...result(event.result),
        };
      case 'subOrchestrationInstanceFailed':
        return {
          ...base('SubOrchestrationInstanceFailed'),
          ...scheduledBy('subOrchestration', event.taskScheduledId),
          ...failedFields(event.failureDetails),
        };
      case 'timerCreated':
        return { ...base('TimerCreated'), FireAt: event.fireAt };
      case 'timerFired':
        return { ...base('TimerFired'), FireAt: event.fireAt };
      case 'orchestratorStarted':
      case 'orchestratorCompleted':
        return undefined;
      case 'eventSent':
        return { ...base('EventSent'), InstanceId: event.instanceId, Name: event.name, Input: parseStoredJson(event.input) };
      case 'eventRaised':
        return { ...base('EventRaised'), Name: event.name };
      // durable-functions v3 talks to entities through EventSent/EventRaised ("op", "release" and the
      // response keyed by request id), so that is how the extension's history shows entity traffic.
      case 'entityOperationSignaled':
      case 'entityOperationCalled':
        return { ...base('EventSent'), InstanceId: event.targetInstanceId, Name: 'op' };
      case 'entityLockRequested':
        return { ...base('EventSent'), InstanceId: event.lockSet[event.position], Name: 'op' };
      case 'entityUnlockSent':
        return { ...base('EventSent'), InstanceId: event.targetInstanceId, Name: 'release' };
      case 'entityOperationCompleted':
      case 'entityOperationFailed':
        return { ...base('EventRaised'), Name: event.requestId };
      case 'entityLockGranted':
        return { ...base('EventRaised'), Name: event.criticalSectionId };
    }
  });

  return rendered.filter((event, index): event is HistoryEventPayload => event !== undefined && !dropped.has(index));
}

function failedFields(details: FailureDetails) {
  return { Reason: details.errorMessage, Details: details.stackTrace ?? null, FailureDetails: failurePayload(details) };
}

/** DTFx `FailureDetails` in PascalCase. */
export function failurePayload(details: FailureDetails): Record<string, unknown> {
  return {
    ErrorType: details.errorType,
    ErrorMessage: details.errorMessage,
    StackTrace: details.stackTrace ?? null,
    InnerFailure: details.innerFailure ? failurePayload(details.innerFailure) : null,
    IsNonRetriable: details.isNonRetriable ?? false,
    ...(details.properties ? { Properties: details.properties } : {}),
  };
}
