// specs/backends.md B3 "HistoryEvent": every core event type survives core → protobuf bytes → core unchanged, and
// lands in the oneof field the spec numbers.

import type { HistoryEvent } from '../../../src/core';
import { fromProtoHistoryEvent, pb, ProtocolError, toProtoHistoryEvent } from '../../../src/scheduler-protocol';

const T = '2024-01-01T00:00:01.250Z';
const FAILURE = { errorType: 'Error', errorMessage: 'boom', stackTrace: 'at x', innerFailure: { errorType: 'Inner', errorMessage: 'cause' }, isNonRetriable: true };

/** Each event with the B3 oneof field number it must be written to. */
const EVENTS: [number, HistoryEvent][] = [
  [3, { eventId: -1, timestamp: T, type: 'executionStarted', name: 'orch', version: '1', input: '"in"', orchestrationInstance: { instanceId: 'i', executionId: 'e' }, parentInstance: { taskScheduledId: 4, name: 'parent', instanceId: 'p', executionId: 'pe' }, scheduledStartTimestamp: T, tags: { a: 'b' } }],
  [4, { eventId: 7, timestamp: T, type: 'executionCompleted', orchestrationStatus: 'Failed', failureDetails: FAILURE }],
  [5, { eventId: -1, timestamp: T, type: 'executionTerminated', input: '"why"', recurse: true }],
  [6, { eventId: 0, timestamp: T, type: 'taskScheduled', name: 'act', input: '1', tags: { k: 'v' } }],
  [7, { eventId: -1, timestamp: T, type: 'taskCompleted', taskScheduledId: 0, result: '2' }],
  [8, { eventId: -1, timestamp: T, type: 'taskFailed', taskScheduledId: 0, failureDetails: FAILURE }],
  [9, { eventId: 1, timestamp: T, type: 'subOrchestrationInstanceCreated', instanceId: 'child', name: 'sub', input: 'null' }],
  [10, { eventId: -1, timestamp: T, type: 'subOrchestrationInstanceCompleted', taskScheduledId: 1, result: '"r"' }],
  [11, { eventId: -1, timestamp: T, type: 'subOrchestrationInstanceFailed', taskScheduledId: 1, failureDetails: { errorType: 'E', errorMessage: 'm' } }],
  [12, { eventId: 2, timestamp: T, type: 'timerCreated', fireAt: T }],
  [13, { eventId: -1, timestamp: T, type: 'timerFired', timerId: 2, fireAt: T }],
  [14, { eventId: -1, timestamp: T, type: 'orchestratorStarted' }],
  [15, { eventId: -1, timestamp: T, type: 'orchestratorCompleted' }],
  [16, { eventId: 3, timestamp: T, type: 'eventSent', instanceId: 'other', name: 'go', input: '{}' }],
  [17, { eventId: -1, timestamp: T, type: 'eventRaised', name: 'go' }],
  [20, { eventId: -1, timestamp: T, type: 'continueAsNew', input: '5' }],
  [21, { eventId: -1, timestamp: T, type: 'executionSuspended', input: '"pause"' }],
  [22, { eventId: -1, timestamp: T, type: 'executionResumed' }],
  [23, { eventId: 4, timestamp: T, type: 'entityOperationSignaled', requestId: 'r1', operation: 'add', input: '1', scheduledTime: T, targetInstanceId: '@counter@a' }],
  [24, { eventId: 5, timestamp: T, type: 'entityOperationCalled', requestId: 'r2', operation: 'get', parentInstanceId: 'i', parentExecutionId: 'e', targetInstanceId: '@counter@a' }],
  [25, { eventId: -1, timestamp: T, type: 'entityOperationCompleted', requestId: 'r2', output: '3' }],
  [26, { eventId: -1, timestamp: T, type: 'entityOperationFailed', requestId: 'r2', failureDetails: { errorType: 'E', errorMessage: 'm' } }],
  [27, { eventId: 6, timestamp: T, type: 'entityLockRequested', criticalSectionId: 'cs', lockSet: ['@a@1', '@b@2'], position: 1, parentInstanceId: 'i' }],
  [28, { eventId: -1, timestamp: T, type: 'entityLockGranted', criticalSectionId: 'cs' }],
  [29, { eventId: 8, timestamp: T, type: 'entityUnlockSent', criticalSectionId: 'cs', parentInstanceId: 'i', targetInstanceId: '@a@1' }],
  [30, { eventId: -1, timestamp: T, type: 'executionRewound', reason: 'fixed' }],
];

function viaBytes(message: pb.HistoryEvent): pb.HistoryEvent {
  return pb.HistoryEvent.deserializeBinary(message.serializeBinary());
}

describe('history events (specs/backends.md B3 HistoryEvent)', () => {
  it.each(EVENTS)('writes oneof field %i and reads back the same event', (field, event) => {
    const wire = viaBytes(toProtoHistoryEvent(event));
    expect(wire.getEventtypeCase()).toBe(field);
    expect(wire.getEventid()).toBe(event.eventId);
    expect(fromProtoHistoryEvent(wire)).toEqual(event);
  });

  it('covers every event type of the core model', () => {
    expect(new Set(EVENTS.map(([, event]) => event.type)).size).toBe(EVENTS.length);
    expect(EVENTS).toHaveLength(26);
  });

  it('keeps a null payload apart from an empty string (nullable strings are StringValue)', () => {
    const empty = fromProtoHistoryEvent(viaBytes(toProtoHistoryEvent({ eventId: -1, timestamp: T, type: 'eventRaised', name: 'e', input: '' })));
    const absent = fromProtoHistoryEvent(viaBytes(toProtoHistoryEvent({ eventId: -1, timestamp: T, type: 'eventRaised', name: 'e' })));
    expect(empty).toEqual({ eventId: -1, timestamp: T, type: 'eventRaised', name: 'e', input: '' });
    expect(absent).not.toHaveProperty('input');
  });

  it('refuses the event types the runtime does not use, naming them', () => {
    const generic = new pb.HistoryEvent().setEventid(9).setGenericevent(new pb.GenericEvent());
    expect(() => fromProtoHistoryEvent(generic)).toThrow(ProtocolError);
    expect(() => fromProtoHistoryEvent(generic)).toThrow(/History event 9 is a genericEvent/);
    expect(() => fromProtoHistoryEvent(new pb.HistoryEvent().setEventid(3))).toThrow(/no event type/);
  });
});
