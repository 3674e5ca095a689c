import {
  ENTITY_CONTINUE_EVENT,
  applyEntityBatchResult,
  entityWorkItem,
  isoTime,
  type EntityBatch,
  type EntitySchedulerState,
  type InstanceCommit,
  type InboxEntry,
  type InstanceRecord,
} from '../../../src/core';
import { T0, decide, delivered, event, expectCommit, expectEntityBatch, message, testContext } from './engine-fixtures';

const E = '@counter@k';

function signal(requestId: string, operation = 'add', input?: string): InboxEntry {
  return message(E, event({ type: 'entityOperationSignaled', requestId, operation, input, targetInstanceId: E }));
}
function call(requestId: string, parent: string, operation = 'get'): InboxEntry {
  return message(E, event({ type: 'entityOperationCalled', requestId, operation, parentInstanceId: parent, parentExecutionId: `${parent}-exec`, targetInstanceId: E }));
}
function lockRequest(criticalSectionId: string, parent: string, lockSet = [E], position = 0): InboxEntry {
  return message(lockSet[position], event({ type: 'entityLockRequested', criticalSectionId, lockSet, position, parentInstanceId: parent }));
}
function unlock(criticalSectionId: string, parent: string, target = E): InboxEntry {
  return message(target, event({ type: 'entityUnlockSent', criticalSectionId, parentInstanceId: parent, targetInstanceId: target }));
}
function entity(state: Partial<EntitySchedulerState> = {}): InstanceRecord {
  return {
    instanceId: E,
    name: 'counter',
    executionId: 'x',
    status: 'Running',
    createdAt: isoTime(T0),
    lastUpdatedAt: isoTime(T0),
    entity: { queue: [], ...state },
  };
}
function operationIds(batch: EntityBatch): string[] {
  return batch.requests.map((r) => r.requestId);
}
/** Feeds a commit's record back in, as the backend would on the next work item. */
function after(commit: InstanceCommit): InstanceRecord {
  return commit.instance!;
}

describe('entity queue (specs/durable-functions-protocol.md §4.3)', () => {
  it('creates the entity on its first request and runs operations in arrival order', () => {
    const batch = expectEntityBatch(decide(E, {}, [signal('s1', 'add', '1'), call('c1', 'orch'), signal('s2')]));
    expect(batch.record).toMatchObject({ instanceId: E, name: 'counter', status: 'Running' });
    expect(operationIds(batch)).toEqual(['s1', 'c1', 's2']);
    expect(entityWorkItem(batch, 'tok')).toEqual({
      kind: 'entity',
      instanceId: E,
      entityState: undefined,
      completionToken: 'tok',
      operations: [
        { requestId: 's1', operation: 'add', input: '1', isSignal: true },
        { requestId: 'c1', operation: 'get', input: undefined, isSignal: false, caller: { instanceId: 'orch', executionId: 'orch-exec' } },
        { requestId: 's2', operation: 'add', input: undefined, isSignal: true },
      ],
    });
  });

  it('runs at most the batch size and wakes itself for the rest, keeping the order', () => {
    const context = testContext(T0, 2);
    const first = expectEntityBatch(decide(E, {}, [signal('1'), signal('2'), signal('3')], context));
    expect(operationIds(first)).toEqual(['1', '2']);
    expect(first.record.entity?.queue.map((r) => (r as { requestId: string }).requestId)).toEqual(['3']);
    expect(first.messages).toEqual([{ instanceId: E, event: expect.objectContaining({ type: 'eventRaised', name: ENTITY_CONTINUE_EVENT }) }]);

    const committed = applyEntityBatchResult(first, { instanceId: E, results: [{}, {}], actions: [], entityState: '2', completionToken: 't' }, context);
    const second = expectEntityBatch(decide(E, { instance: after(committed) }, [...delivered(committed.messages), signal('4')], context));
    expect(operationIds(second)).toEqual(['3', '4']);
    expect(second.messages).toEqual([]);
  });

  it('does nothing for a wake-up when no request is waiting', () => {
    const commit = expectCommit(decide(E, { instance: entity() }, [message(E, event({ type: 'eventRaised', name: ENTITY_CONTINUE_EVENT }))]));
    expect(commit.messages).toEqual([]);
  });

  it('discards a stray event for an entity that does not exist, leaving no record', () => {
    const context = testContext();
    const commit = expectCommit(decide(E, {}, [message(E, event({ type: 'eventRaised', name: 'x' }))], context));
    expect(commit.instance).toBeNull();
    expect(context.logs.join('\n')).toMatch(/entities only receive operation, lock and unlock requests/);
  });
});

describe('entity locks (specs/durable-functions-protocol.md §4.3 "Lock")', () => {
  it('grants a free entity to the requester and tells it when the whole lock set is held', () => {
    const commit = expectCommit(decide(E, { instance: entity() }, [lockRequest('cs1', 'orch')]));
    expect(commit.instance?.entity).toMatchObject({ lockedBy: 'orch', criticalSectionId: 'cs1' });
    expect(commit.messages).toEqual([{ instanceId: 'orch', event: expect.objectContaining({ type: 'entityLockGranted', criticalSectionId: 'cs1' }) }]);
  });

  it('takes several entities in lock-set order, passing the request on', () => {
    const lockSet = ['@a@1', '@b@1', '@c@1'];
    let request: InboxEntry = lockRequest('cs', 'orch', lockSet, 0);
    const holders: string[] = [];
    for (const target of lockSet) {
      expect(request.instanceId).toBe(target);
      const commit = expectCommit(decide(target, {}, [request]));
      expect(commit.instance?.entity?.lockedBy).toBe('orch');
      holders.push(target);
      [request] = delivered(commit.messages);
    }
    expect(holders).toEqual(lockSet);
    expect(request).toMatchObject({ instanceId: 'orch', event: { type: 'entityLockGranted', criticalSectionId: 'cs' } });
  });

  it('while locked runs only the holder\'s requests, which jump the queue; the others wait', () => {
    const locked = entity({ lockedBy: 'holder', criticalSectionId: 'cs' });
    const batch = expectEntityBatch(decide(E, { instance: locked }, [signal('other-signal'), call('other-call', 'stranger'), call('mine', 'holder')]));
    expect(operationIds(batch)).toEqual(['mine']);
    expect(batch.record.entity?.queue.map((r) => r.type)).toEqual(['entityOperationSignaled', 'entityOperationCalled']);
    expect(batch.messages).toEqual([]);
  });

  it('queues another lock request until the holder unlocks, then grants it', () => {
    const first = expectCommit(decide(E, { instance: entity() }, [lockRequest('cs1', 'one')]));
    const waiting = expectCommit(decide(E, { instance: after(first) }, [lockRequest('cs2', 'two'), signal('s')]));
    expect(waiting.instance?.entity).toMatchObject({ lockedBy: 'one' });
    expect(waiting.instance?.entity?.queue).toHaveLength(2);
    expect(waiting.messages).toEqual([]);

    // The unlock frees the entity: the queue runs in order, so 'two' gets the lock and the signal waits again.
    const released = expectCommit(decide(E, { instance: after(waiting) }, [unlock('cs1', 'one')]));
    expect(released.instance?.entity).toMatchObject({ lockedBy: 'two', criticalSectionId: 'cs2' });
    expect(released.messages).toEqual([{ instanceId: 'two', event: expect.objectContaining({ type: 'entityLockGranted', criticalSectionId: 'cs2' }) }]);
    expect(released.instance?.entity?.queue.map((r) => r.type)).toEqual(['entityOperationSignaled']);
  });

  it('runs the waiting requests once the holder unlocks', () => {
    const locked = entity({ lockedBy: 'holder', criticalSectionId: 'cs', queue: [event({ type: 'entityOperationSignaled', requestId: 'waited', operation: 'add', targetInstanceId: E })] });
    const batch = expectEntityBatch(decide(E, { instance: locked }, [unlock('cs', 'holder'), signal('later')]));
    expect(batch.record.entity?.lockedBy).toBeUndefined();
    expect(operationIds(batch)).toEqual(['waited', 'later']);
  });

  it('ignores an unlock from an orchestration that does not hold the lock', () => {
    const locked = entity({ lockedBy: 'holder', criticalSectionId: 'cs' });
    const commit = expectCommit(decide(E, { instance: locked }, [unlock('cs', 'holder-not')]));
    expect(commit.instance?.entity).toMatchObject({ lockedBy: 'holder' });
  });
});

describe('after a batch', () => {
  it('stores the state, answers each call at its caller\'s execution and nothing for signals', () => {
    const batch = expectEntityBatch(decide(E, {}, [signal('s1', 'add', '5'), call('c1', 'orch'), call('c2', 'orch', 'boom')]));
    const failureDetails = { errorType: 'Error', errorMessage: 'entity boom' };
    const commit = applyEntityBatchResult(
      batch,
      { instanceId: E, results: [{}, { result: '5' }, { failureDetails }], actions: [], entityState: '5', completionToken: 't' },
      testContext(),
    );
    expect(commit.instance?.entity?.state).toBe('5');
    expect(commit.messages).toEqual([
      { instanceId: 'orch', executionId: 'orch-exec', event: expect.objectContaining({ type: 'entityOperationCompleted', requestId: 'c1', output: '5' }) },
      { instanceId: 'orch', executionId: 'orch-exec', event: expect.objectContaining({ type: 'entityOperationFailed', requestId: 'c2', failureDetails }) },
    ]);
  });

  it('a deleted entity keeps no state', () => {
    const batch = expectEntityBatch(decide(E, { instance: entity({ state: '3' }) }, [signal('d', 'delete')]));
    const commit = applyEntityBatchResult(batch, { instanceId: E, results: [{}], actions: [], completionToken: 't' }, testContext());
    expect(commit.instance?.entity?.state).toBeUndefined();
  });

  it('delivers signals to their target entity by scheduler id, and starts orchestrations', () => {
    const batch = expectEntityBatch(decide(E, {}, [signal('s')]));
    const at = isoTime(T0 + 1000);
    const commit = applyEntityBatchResult(
      batch,
      {
        instanceId: E,
        results: [{}],
        actions: [
          { type: 'sendSignal', instanceId: '@Counter@other', name: 'add', input: '1' },
          { type: 'sendSignal', instanceId: '@Counter@later', name: 'add', scheduledTime: at },
          { type: 'startNewOrchestration', instanceId: 'new-orch', name: 'Orch', input: '2' },
        ],
        entityState: '1',
        completionToken: 't',
      },
      testContext(),
    );
    expect(commit.messages).toEqual([
      { instanceId: '@counter@other', visibleAt: undefined, event: expect.objectContaining({ type: 'entityOperationSignaled', operation: 'add', input: '1', targetInstanceId: '@counter@other' }) },
      { instanceId: '@counter@later', visibleAt: T0 + 1000, event: expect.objectContaining({ type: 'entityOperationSignaled', scheduledTime: at }) },
      { instanceId: 'new-orch', visibleAt: undefined, event: expect.objectContaining({ type: 'executionStarted', name: 'Orch', input: '2' }) },
    ]);
  });

  it('fails the calls that got no result when the entity returned too few results', () => {
    const batch = expectEntityBatch(decide(E, {}, [call('c1', 'orch'), call('c2', 'orch')]));
    const commit = applyEntityBatchResult(batch, { instanceId: E, results: [{ result: '1' }], actions: [], completionToken: 't' }, testContext());
    expect(commit.messages[1].event).toMatchObject({ type: 'entityOperationFailed', requestId: 'c2', failureDetails: { errorType: 'EntityResultMissing' } });
  });
});
