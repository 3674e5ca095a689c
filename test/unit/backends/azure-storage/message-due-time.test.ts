// specs/backends.md A4.3: a message is due when DT.AS would make it visible — a timer at FireAt, a scheduled start
// at its ScheduledStartTime, a delayed entity signal at its scheduled time; anything else when sent.

import { dueTimeOf } from '../../../../src/backends/azure-storage/message-due-time';
import type { HistoryEvent } from '../../../../src/core';

const t = '2024-01-01T00:00:00.000Z';
const due = '2024-01-01T00:00:30.250Z';
const message = (event: HistoryEvent) => ({ instanceId: 'i', event });

test('a timer is due at its fire time', () => {
  expect(dueTimeOf(message({ type: 'timerFired', eventId: -1, timestamp: t, timerId: 1, fireAt: due }))).toBe(Date.parse(due));
});

test('a scheduled start is due at its start time, an unscheduled one when sent', () => {
  const start = { type: 'executionStarted', eventId: -1, timestamp: t, name: 'O', orchestrationInstance: { instanceId: 'i', executionId: 'e' } } as const;
  expect(dueTimeOf(message({ ...start, scheduledStartTimestamp: due }))).toBe(Date.parse(due));
  expect(dueTimeOf(message(start))).toBeUndefined();
});

test('a delayed entity signal is due at its scheduled time', () => {
  const signal: HistoryEvent = { type: 'entityOperationSignaled', eventId: -1, timestamp: t, requestId: 'r', operation: 'add', targetInstanceId: '@c@k', scheduledTime: due };
  expect(dueTimeOf(message(signal))).toBe(Date.parse(due));
});

test('other messages are due when sent', () => {
  expect(dueTimeOf(message({ type: 'taskCompleted', eventId: -1, timestamp: t, taskScheduledId: 0 }))).toBeUndefined();
});
