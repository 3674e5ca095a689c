// specs/backends.md A6.1: Instances rows with DT.AS columns; entity state as DF's SchedulerState in `Input`.

import { instanceRecordToRow, rowToInstanceRecord } from '../../../../src/backends/azure-storage/instance-table-rows';
import type { InstanceRecord } from '../../../../src/core';

function asStored(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) =>
      value && typeof value === 'object' && (value as { type?: string }).type === 'DateTime' ? [key, new Date((value as { value: string }).value)] : [key, value],
    ),
  );
}

const base: InstanceRecord = {
  instanceId: 'a/b',
  name: 'Orch',
  executionId: 'e1',
  status: 'Running',
  createdAt: '2024-01-01T00:00:00.000Z',
  lastUpdatedAt: '2024-01-01T00:00:05.000Z',
};

test.each<[string, InstanceRecord]>([
  ['a minimal record', base],
  [
    'every member',
    {
      ...base,
      version: '1.0',
      status: 'Completed',
      completedAt: '2024-01-01T00:01:00.000Z',
      scheduledStartAt: '2024-01-01T00:00:00.500Z',
      input: '"in"',
      output: '"out"',
      customStatus: '{"step":3}',
      parentInstanceId: 'parent',
      tags: { team: 'a' },
    },
  ],
  ['a failure', { ...base, status: 'Failed', failureDetails: { errorType: 'Error', errorMessage: 'boom', stackTrace: 'at x' } }],
  [
    'an entity with state, a lock and a queue',
    {
      ...base,
      instanceId: '@counter@k1',
      name: 'counter',
      entity: {
        state: '5',
        lockedBy: 'orch1',
        criticalSectionId: 'cs1',
        queue: [
          { type: 'entityOperationSignaled', eventId: -1, timestamp: '2024-01-01T00:00:01.000Z', requestId: 'r1', operation: 'add', input: '1', targetInstanceId: '@counter@k1' },
          {
            type: 'entityOperationCalled',
            eventId: -1,
            timestamp: '2024-01-01T00:00:02.000Z',
            requestId: 'r2',
            operation: 'get',
            parentInstanceId: 'o2',
            parentExecutionId: 'x2',
            targetInstanceId: '@counter@k1',
          },
          { type: 'entityLockRequested', eventId: -1, timestamp: '2024-01-01T00:00:03.000Z', criticalSectionId: 'cs2', lockSet: ['@counter@k1'], position: 0, parentInstanceId: 'o3' },
        ],
      },
    },
  ],
  ['an entity that does not exist', { ...base, instanceId: '@counter@k2', name: 'counter', entity: { queue: [] } }],
])('%s survives record → row → record', (_, record) => {
  expect(rowToInstanceRecord(asStored(instanceRecordToRow(record, 'Hub', 0)))).toEqual(record);
});

test('the row has DT.AS columns and Edm types (A6.1)', () => {
  const row = instanceRecordToRow(base, 'MyHub', 2);
  expect(row).toMatchObject({
    partitionKey: 'a^0b',
    rowKey: '',
    ExecutionId: 'e1',
    Name: 'Orch',
    RuntimeStatus: 'Running',
    CustomStatus: 'null',
    CreatedTime: { type: 'DateTime', value: base.createdAt },
    LastUpdatedTime: { type: 'DateTime', value: base.lastUpdatedAt },
    Generation: 2,
    Tags: 'null',
    TaskHubName: 'MyHub',
  });
});

test('a failed instance shows "ErrorType: ErrorMessage" in Output, as DT.AS writes it (A6.1)', () => {
  const row = instanceRecordToRow({ ...base, status: 'Failed', failureDetails: { errorType: 'TypeError', errorMessage: 'bad' } }, 'Hub', 0);
  expect(row.Output).toBe('TypeError: bad');
});

test("an entity's Input is DF's SchedulerState JSON (what DF Monitor shows)", () => {
  const row = instanceRecordToRow({ ...base, instanceId: '@counter@k', entity: { state: '3', queue: [] } }, 'Hub', 0);
  expect(JSON.parse(row.Input as string)).toEqual({ exists: true, state: '3' });
});
