// specs/backends.md A8.1 (client start dedupe) and A8.3 (out-of-order responses).

import { admitMessage, deferDelayMs, type AdmissionContext } from '../../../../src/backends/azure-storage/message-admission';
import type { HistoryEvent, InstanceRecord, TaskMessage } from '../../../../src/core';

const t = '2024-01-01T00:00:00.000Z';
const record: InstanceRecord = { instanceId: 'i', name: 'O', executionId: 'e1', status: 'Pending', createdAt: t, lastUpdatedAt: t };
const context = (over: Partial<AdmissionContext> = {}): AdmissionContext => ({
  record,
  history: [],
  dequeueCount: 1,
  maxDequeueCount: 10,
  fromClient: false,
  ...over,
});
const start = (executionId: string, timestamp = t): TaskMessage => ({
  instanceId: 'i',
  executionId,
  event: { type: 'executionStarted', eventId: -1, timestamp, name: 'O', orchestrationInstance: { instanceId: 'i', executionId } },
});
const completed: TaskMessage = { instanceId: 'i', executionId: 'e1', event: { type: 'taskCompleted', eventId: -1, timestamp: t, taskScheduledId: 0 } };
const scheduled: HistoryEvent = { type: 'taskScheduled', eventId: 0, timestamp: t, name: 'A' };

describe('client starts (A8.1)', () => {
  test('a start whose execution the Instances row carries is accepted', () => {
    expect(admitMessage(start('e1'), context({ fromClient: true })).verdict).toBe('accept');
  });
  test('a start that arrives before its row is written waits', () => {
    expect(admitMessage(start('e1'), context({ fromClient: true, record: undefined })).verdict).toBe('defer');
  });
  test('a start that lost to a start written after it is discarded', () => {
    const later = { ...record, executionId: 'e2', createdAt: '2024-01-01T00:00:01.000Z' };
    expect(admitMessage(start('e1'), context({ fromClient: true, record: later })).verdict).toBe('discard');
  });
  test('a start that still has no row after maxDequeueCount receives is discarded', () => {
    expect(admitMessage(start('e1'), context({ fromClient: true, record: undefined, dequeueCount: 10 })).verdict).toBe('discard');
  });
  test('a start sent by an orchestration (continue-as-new, sub-orchestration) is never held back', () => {
    expect(admitMessage(start('e9'), context({ fromClient: false })).verdict).toBe('accept');
  });
});

describe('responses (A8.3)', () => {
  test('a result whose task is in the history is accepted', () => {
    expect(admitMessage(completed, context({ history: [scheduled] })).verdict).toBe('accept');
  });
  test('a result that overtook its sender’s history write waits', () => {
    expect(admitMessage(completed, context({ history: [{ type: 'orchestratorStarted', eventId: -1, timestamp: t }] })).verdict).toBe('defer');
  });
  test('an instance with no history lets it through after 2 receives, for the engine to drop', () => {
    expect(admitMessage(completed, context({ dequeueCount: 2 })).verdict).toBe('defer');
    expect(admitMessage(completed, context({ dequeueCount: 3 })).verdict).toBe('accept');
  });
  test('a result for an older execution is left to the engine', () => {
    expect(admitMessage({ ...completed, executionId: 'old' }, context()).verdict).toBe('accept');
  });
  test('a timer matches its TimerCreated, an entity response its request', () => {
    const timer: TaskMessage = { instanceId: 'i', event: { type: 'timerFired', eventId: -1, timestamp: t, timerId: 2, fireAt: t } };
    expect(admitMessage(timer, context({ history: [{ type: 'timerCreated', eventId: 2, timestamp: t, fireAt: t }] })).verdict).toBe('accept');
    const response: TaskMessage = { instanceId: 'i', event: { type: 'entityOperationCompleted', eventId: -1, timestamp: t, requestId: 'g' } };
    const call: HistoryEvent = {
      type: 'entityOperationCalled',
      eventId: 1,
      timestamp: t,
      requestId: 'g',
      operation: 'get',
      parentInstanceId: 'i',
      parentExecutionId: 'e1',
      targetInstanceId: '@c@k',
    };
    expect(admitMessage(response, context({ history: [call] })).verdict).toBe('accept');
    expect(admitMessage(response, context({ history: [scheduled] })).verdict).toBe('defer');
  });
  test('messages that are not responses are always accepted', () => {
    const raised: TaskMessage = { instanceId: 'i', event: { type: 'eventRaised', eventId: -1, timestamp: t, name: 'x' } };
    expect(admitMessage(raised, context({ record: undefined })).verdict).toBe('accept');
  });
});

test('a message sent before this process purged the instance is discarded; a new start is not', () => {
  const purgedAt = Date.parse(t) + 1;
  const raised: TaskMessage = { instanceId: 'i', event: { type: 'eventRaised', eventId: -1, timestamp: t, name: 'late' } };
  expect(admitMessage(raised, context({ record: undefined, purgedAt }))).toMatchObject({ verdict: 'discard', reason: expect.stringContaining('purged') });
  const after: TaskMessage = { ...raised, event: { ...raised.event, timestamp: '2024-01-01T00:00:05.000Z' } };
  expect(admitMessage(after, context({ record: undefined, purgedAt })).verdict).toBe('accept');
  expect(admitMessage(start('e1'), context({ fromClient: true, purgedAt })).verdict).toBe('accept');
});

test('deferrals back off 1 s, 2 s, 4 s … up to a minute', () => {
  expect([1, 2, 3, 8, 20].map(deferDelayMs)).toEqual([1000, 2000, 4000, 60_000, 60_000]);
});
