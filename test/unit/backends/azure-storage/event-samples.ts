// One event of every core type, with the optional members filled in, for round-trip tests of the DT.AS codecs.

import type { HistoryEvent } from '../../../../src/core';

const t = '2024-01-01T00:00:01.250Z';
const failure = {
  errorType: 'TypeError',
  errorMessage: 'boom',
  stackTrace: 'TypeError: boom\n    at x',
  innerFailure: { errorType: 'Error', errorMessage: 'inner' },
  isNonRetriable: true,
  properties: { code: 42 },
};

export const SAMPLE_EVENTS: HistoryEvent[] = [
  {
    type: 'executionStarted',
    eventId: -1,
    timestamp: t,
    name: 'Orch',
    version: '2.0',
    input: '"in"',
    orchestrationInstance: { instanceId: 'i1', executionId: 'e1' },
    parentInstance: { taskScheduledId: 3, name: 'Parent', version: '1', instanceId: 'p1', executionId: 'pe1' },
    scheduledStartTimestamp: '2024-01-02T00:00:00.000Z',
    tags: { tag1: 'v1' },
  },
  { type: 'executionCompleted', eventId: 7, timestamp: t, orchestrationStatus: 'Completed', result: '"done"' },
  { type: 'executionCompleted', eventId: 8, timestamp: t, orchestrationStatus: 'Failed', failureDetails: failure },
  { type: 'executionTerminated', eventId: -1, timestamp: t, input: '"stop"', recurse: true },
  { type: 'executionSuspended', eventId: -1, timestamp: t, input: 'pause' },
  { type: 'executionResumed', eventId: -1, timestamp: t, input: 'go' },
  { type: 'executionRewound', eventId: -1, timestamp: t, reason: 'retry' },
  { type: 'taskScheduled', eventId: 0, timestamp: t, name: 'SayHello', version: '1', input: '"Tokyo"', tags: { a: 'b' } },
  { type: 'taskCompleted', eventId: -1, timestamp: t, taskScheduledId: 0, result: '"Hello Tokyo"' },
  { type: 'taskFailed', eventId: -1, timestamp: t, taskScheduledId: 0, failureDetails: failure },
  { type: 'subOrchestrationInstanceCreated', eventId: 1, timestamp: t, instanceId: 'child', name: 'Child', version: '1', input: '1' },
  { type: 'subOrchestrationInstanceCompleted', eventId: -1, timestamp: t, taskScheduledId: 1, result: '[1,2]' },
  { type: 'subOrchestrationInstanceFailed', eventId: -1, timestamp: t, taskScheduledId: 1, failureDetails: { errorType: 'Error', errorMessage: 'child failed' } },
  { type: 'timerCreated', eventId: 2, timestamp: t, fireAt: '2024-01-01T00:01:05.000Z' },
  { type: 'timerFired', eventId: -1, timestamp: t, timerId: 2, fireAt: '2024-01-01T00:01:05.000Z' },
  { type: 'orchestratorStarted', eventId: -1, timestamp: t },
  { type: 'orchestratorCompleted', eventId: -1, timestamp: t },
  { type: 'eventSent', eventId: 4, timestamp: t, instanceId: 'other', name: 'Approve', input: 'true' },
  { type: 'eventRaised', eventId: -1, timestamp: t, name: 'Approve', input: '{"ok":true}' },
  { type: 'continueAsNew', eventId: 9, timestamp: t, input: '5' },
  { type: 'entityOperationSignaled', eventId: -1, timestamp: t, requestId: 'r1', operation: 'add', input: '5', scheduledTime: '2024-01-03T00:00:00.000Z', targetInstanceId: '@counter@k1' },
  {
    type: 'entityOperationCalled',
    eventId: 5,
    timestamp: t,
    requestId: 'r2',
    operation: 'get',
    parentInstanceId: 'i1',
    parentExecutionId: 'e1',
    targetInstanceId: '@counter@k1',
  },
  { type: 'entityOperationCompleted', eventId: -1, timestamp: t, requestId: 'r2', output: '7' },
  { type: 'entityOperationFailed', eventId: -1, timestamp: t, requestId: 'r3', failureDetails: { errorType: 'Error', errorMessage: 'entity boom' } },
  { type: 'entityLockRequested', eventId: 6, timestamp: t, criticalSectionId: 'cs1', lockSet: ['@a@1', '@b@2'], position: 0, parentInstanceId: 'i1' },
  { type: 'entityLockGranted', eventId: -1, timestamp: t, criticalSectionId: 'cs1' },
  { type: 'entityUnlockSent', eventId: 10, timestamp: t, criticalSectionId: 'cs1', parentInstanceId: 'i1', targetInstanceId: '@a@1' },
];

/** The instance an event's message goes to (entity requests go to their entity). */
export function targetOf(event: HistoryEvent): string {
  switch (event.type) {
    case 'entityOperationSignaled':
    case 'entityOperationCalled':
    case 'entityUnlockSent':
      return event.targetInstanceId;
    case 'entityLockRequested':
      return event.lockSet[event.position];
    default:
      return 'i1';
  }
}
