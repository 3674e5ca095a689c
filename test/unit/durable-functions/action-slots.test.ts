// Static id allocation from the library's action list (specs/durable-functions-protocol.md §3.3, §3.4.1).

import { flattenActions } from '../../../src/durable-functions/action-slots';
import { OrchestratorProtocolError } from '../../../src/durable-functions';
import type { LibraryAction } from '../../../src/durable-functions/library-state';

const activity = (functionName: string, input?: unknown): LibraryAction => ({ actionType: 0, functionName, input });

it('walks compound actions depth-first and gives waits and compounds no slot', () => {
  const { slots } = flattenActions([
    activity('A'),
    {
      actionType: 12,
      compoundActions: [activity('B'), { actionType: 11, compoundActions: [activity('C'), { actionType: 6, externalEventName: 'E', reason: 'ExternalEvent' } as LibraryAction] }, activity('D')],
    },
  ]);
  expect(slots.map((s) => (s as { name: string }).name)).toEqual(['A', 'B', 'C', 'D']);
});

it('gives a release one slot per entity of the lock set before it', () => {
  const { slots } = flattenActions([
    { actionType: 13, lockRequestId: 'L', lockSet: [{ name: 'Account', key: 'a' }, { name: 'Account', key: 'b' }] },
    { actionType: 9, instanceId: '@counter@x', operation: 'ping' },
    { actionType: 14 },
  ]);
  expect(slots).toEqual([
    { kind: 'lock', criticalSectionId: 'L', lockSet: ['@account@a', '@account@b'] },
    { kind: 'entitySignal', target: '@counter@x', operation: 'ping', input: undefined },
    { kind: 'unlock', criticalSectionId: 'L', target: '@account@a' },
    { kind: 'unlock', criticalSectionId: 'L', target: '@account@b' },
  ]);
});

it('stops at continueAsNew and keeps its input', () => {
  const result = flattenActions([activity('A'), { actionType: 4, input: '"next"' }, activity('B')]);
  expect(result.slots).toHaveLength(1);
  expect(result.continueAsNew).toEqual({ input: '"next"' });
});

it('undoes the extra encoding of string inputs only where the library applies it (§3.3 footnote)', () => {
  const { slots } = flattenActions([
    activity('A', '"Tokyo"'),
    { actionType: 2, functionName: 'Child', input: 'Tokyo' },
    { actionType: 7, instanceId: '@e@k', operation: 'op', input: 'Tokyo' },
  ]);
  expect(slots.map((s) => (s as { input?: string }).input)).toEqual(['"Tokyo"', '"Tokyo"', '"Tokyo"']);
});

it('accepts timers as ISO strings or Dates', () => {
  const { slots } = flattenActions([
    { actionType: 5, fireAt: '2024-01-01T00:00:01.000Z', isCanceled: false },
    { actionType: 5, fireAt: new Date(Date.UTC(2024, 0, 1, 0, 0, 2)), isCanceled: false },
  ]);
  expect(slots).toEqual([
    { kind: 'timer', fireAt: '2024-01-01T00:00:01.000Z' },
    { kind: 'timer', fireAt: '2024-01-01T00:00:02.000Z' },
  ]);
});

it('rejects what it cannot translate with a message that says what', () => {
  expect(() => flattenActions([{ actionType: 10 }])).toThrow(new OrchestratorProtocolError('The orchestrator returned an action of unknown type 10; this runtime speaks the protocol of durable-functions 3.x.'));
  expect(() => flattenActions([{ actionType: 14 }])).toThrow(/released a lock it never acquired/);
  expect(() => flattenActions([{ actionType: 1, functionName: 'A', retryOptions: { firstRetryIntervalInMilliseconds: 0, maxNumberOfAttempts: 2 } }])).toThrow(
    /retry options for 'A' need firstRetryIntervalInMilliseconds > 0/,
  );
  expect(() => flattenActions([{ actionType: 5, fireAt: 'soon' }])).toThrow(/without a valid fireAt \(soon\)/);
});
