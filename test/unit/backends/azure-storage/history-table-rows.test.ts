// specs/backends.md A5.1–A5.3: History rows with DT.AS column names, Edm types and X16 row keys.

import { historyEventToRow, historyRowKey, rowToHistoryEvent } from '../../../../src/backends/azure-storage/history-table-rows';
import type { HistoryEvent } from '../../../../src/core';
import { SAMPLE_EVENTS, targetOf } from './event-samples';

/** What the table service hands back: Edm DateTime values arrive as Date objects. */
function asStored(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) =>
      value && typeof value === 'object' && (value as { type?: string }).type === 'DateTime' ? [key, new Date((value as { value: string }).value)] : [key, value],
    ),
  );
}

test.each(SAMPLE_EVENTS.map((event) => [event.type, event] as const))('%s survives row → event unchanged', (_, event) => {
  const instanceId = targetOf(event);
  const row = historyEventToRow(event, instanceId, 3, 'e1');
  expect(rowToHistoryEvent(asStored(row), instanceId)).toEqual(event);
});

test('row keys are the position as 16 upper-case hex digits and sort before "sentinel" (A5.1)', () => {
  expect(historyRowKey(0)).toBe('0000000000000000');
  expect(historyRowKey(10)).toBe('000000000000000A');
  expect(historyRowKey(255) < 'sentinel').toBe(true);
});

test('columns follow DT.AS: _Timestamp, EventType by name, Edm DateTime, objects as JSON strings or "null" (A5.3)', () => {
  const started = SAMPLE_EVENTS[0];
  const row = historyEventToRow(started, 'i1', 0, 'e1');
  expect(row).toMatchObject({
    partitionKey: 'i1',
    rowKey: '0000000000000000',
    ExecutionId: 'e1',
    EventType: 'ExecutionStarted',
    EventId: -1,
    IsPlayed: false,
    _Timestamp: { type: 'DateTime', value: started.timestamp },
    ScheduledStartTime: { type: 'DateTime', value: '2024-01-02T00:00:00.000Z' },
    Generation: 0,
    Name: 'Orch',
  });
  expect(row).not.toHaveProperty('Timestamp');
  expect(JSON.parse(row.OrchestrationInstance as string)).toEqual({ InstanceId: 'i1', ExecutionId: 'e1' });
  expect(JSON.parse(row.Tags as string)).toEqual({ tag1: 'v1' });
  const completed = historyEventToRow({ type: 'executionCompleted', eventId: 1, timestamp: started.timestamp, orchestrationStatus: 'Completed' }, 'i1', 1, 'e1');
  expect(completed).toMatchObject({ EventType: 'ExecutionCompleted', OrchestrationStatus: 'Completed', FailureDetails: 'null' });
  expect(completed).not.toHaveProperty('Result');
});

test('a failed task keeps Reason and Details for readers without FailureDetails (A5.3)', () => {
  const failed = SAMPLE_EVENTS.find((e) => e.type === 'taskFailed')!;
  const row = historyEventToRow(failed, 'i1', 5, 'e1');
  expect(row).toMatchObject({ EventType: 'TaskFailed', TaskScheduledId: 0, Reason: 'boom', Details: 'TypeError: boom\n    at x' });
  expect(JSON.parse(row.FailureDetails as string)).toMatchObject({ ErrorType: 'TypeError', ErrorMessage: 'boom', IsNonRetriable: true });
  const legacy: Record<string, unknown> = { ...row, FailureDetails: 'null' };
  expect(rowToHistoryEvent(asStored(legacy), 'i1')).toEqual({
    type: 'taskFailed',
    eventId: -1,
    timestamp: failed.timestamp,
    taskScheduledId: 0,
    failureDetails: { errorType: 'Error', errorMessage: 'boom', stackTrace: 'TypeError: boom\n    at x' },
  });
});

test("an orchestration's entity call is an EventSent row DF Monitor shows (protocol §4.3, A14)", () => {
  const called = SAMPLE_EVENTS.find((e) => e.type === 'entityOperationCalled')!;
  const row = historyEventToRow(called, 'i1', 4, 'e1');
  expect(row).toMatchObject({ EventType: 'EventSent', EventId: 5, InstanceId: '@counter@k1', Name: 'op', EntityEvent: 'entityOperationCalled' });
});

test('a row of a type durable-runtime does not use is rejected with a clear error', () => {
  const row = { partitionKey: 'i1', rowKey: '0', EventType: 'GenericEvent', EventId: -1, _Timestamp: new Date(0) };
  expect(() => rowToHistoryEvent(row, 'i1')).toThrow(/GenericEvent is not used/);
  const started: HistoryEvent = SAMPLE_EVENTS[0];
  expect(() => rowToHistoryEvent({ ...asStored(historyEventToRow(started, 'i1', 0, 'e1')), Name: undefined }, 'i1')).toThrow(/ExecutionStarted has no Name/);
});
