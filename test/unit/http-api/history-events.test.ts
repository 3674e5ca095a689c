// historyEvents in the extension's shape (specs/durable-functions-protocol.md §7 "historyEvents (showHistory)").
import type { HistoryEvent } from '../../../src/core';
import { toHistoryEvents } from '../../../src/http-api/history-events';

const t = (s: number) => `2024-01-01T08:00:${String(s).padStart(2, '0')}.000Z`;

const history: HistoryEvent[] = [
  { type: 'orchestratorStarted', eventId: -1, timestamp: t(0) },
  {
    type: 'executionStarted',
    eventId: -1,
    timestamp: t(0),
    name: 'HelloCities',
    input: '"in"',
    version: '1.0',
    tags: { a: 'b' },
    orchestrationInstance: { instanceId: 'abc', executionId: 'e1' },
  },
  { type: 'taskScheduled', eventId: 0, timestamp: t(1), name: 'SayHello', input: '"Tokyo"' },
  { type: 'orchestratorCompleted', eventId: -1, timestamp: t(1) },
  { type: 'orchestratorStarted', eventId: -1, timestamp: t(2) },
  { type: 'taskCompleted', eventId: -1, timestamp: t(2), taskScheduledId: 0, result: '"Hello Tokyo!"' },
  { type: 'subOrchestrationInstanceCreated', eventId: 1, timestamp: t(3), name: 'Child', instanceId: 'abc:1', input: '1' },
  { type: 'timerCreated', eventId: 2, timestamp: t(3), fireAt: t(30) },
  { type: 'orchestratorStarted', eventId: -1, timestamp: t(4) },
  { type: 'subOrchestrationInstanceFailed', eventId: -1, timestamp: t(4), taskScheduledId: 1, failureDetails: { errorType: 'Error', errorMessage: 'child broke' } },
  { type: 'timerFired', eventId: -1, timestamp: t(30), timerId: 2, fireAt: t(30) },
  { type: 'eventRaised', eventId: -1, timestamp: t(31), name: 'Approval', input: '{"ok":true}' },
  { type: 'taskScheduled', eventId: 3, timestamp: t(32), name: 'StillRunning' },
  { type: 'executionCompleted', eventId: 4, timestamp: t(33), orchestrationStatus: 'Completed', result: '["Hello Tokyo!"]' },
];

describe('toHistoryEvents', () => {
  it('folds scheduling into completions, drops episode markers and ids, names event types', () => {
    expect(toHistoryEvents(history, { showHistoryOutput: false })).toEqual([
      { EventType: 'ExecutionStarted', Timestamp: t(0), FunctionName: 'HelloCities' },
      { EventType: 'TaskCompleted', Timestamp: t(2), FunctionName: 'SayHello', ScheduledTime: t(1) },
      { EventType: 'TimerCreated', Timestamp: t(3), FireAt: t(30) },
      {
        EventType: 'SubOrchestrationInstanceFailed',
        Timestamp: t(4),
        FunctionName: 'Child',
        ScheduledTime: t(3),
        Reason: 'child broke',
        Details: null,
        FailureDetails: { ErrorType: 'Error', ErrorMessage: 'child broke', StackTrace: null, InnerFailure: null, IsNonRetriable: false },
      },
      { EventType: 'TimerFired', Timestamp: t(30), FireAt: t(30) },
      { EventType: 'EventRaised', Timestamp: t(31), Name: 'Approval' },
      { EventType: 'TaskScheduled', Timestamp: t(32), Name: 'StillRunning' },
      { EventType: 'ExecutionCompleted', Timestamp: t(33), OrchestrationStatus: 'Completed' },
    ]);
  });

  it('shows results as JSON values only with showHistoryOutput', () => {
    const events = toHistoryEvents(history, { showHistoryOutput: true });
    expect(events.find((e) => e.EventType === 'TaskCompleted')).toMatchObject({ Result: 'Hello Tokyo!' });
    expect(events.find((e) => e.EventType === 'ExecutionCompleted')).toMatchObject({ Result: ['Hello Tokyo!'] });
  });

  it('never shows inputs of the start, of scheduled work or of raised events', () => {
    const text = JSON.stringify(toHistoryEvents(history, { showHistoryOutput: true }));
    expect(text).not.toContain('"Input"');
    expect(text).not.toContain('EventId');
    expect(text).not.toContain('TimerId');
  });

  it('shows entity traffic the way durable-functions v3 sends it: EventSent "op" and the EventRaised response', () => {
    const entity: HistoryEvent[] = [
      { type: 'entityOperationCalled', eventId: 0, timestamp: t(1), requestId: 'r1', operation: 'add', targetInstanceId: '@counter@k', parentInstanceId: 'abc', parentExecutionId: 'e1' },
      { type: 'entityOperationCompleted', eventId: -1, timestamp: t(2), requestId: 'r1', output: '5' },
    ];
    expect(toHistoryEvents(entity, { showHistoryOutput: false })).toEqual([
      { EventType: 'EventSent', Timestamp: t(1), InstanceId: '@counter@k', Name: 'op' },
      { EventType: 'EventRaised', Timestamp: t(2), Name: 'r1' },
    ]);
  });
});
