import { applyOrchestratorResult, isoTime, type OrchestratorAction, type OrchestrationEpisode } from '../../../src/core';
import {
  T0,
  appended,
  decide,
  delivered,
  event,
  expectEpisode,
  message,
  record,
  runningHistory,
  startEvent,
  testContext,
  types,
} from './engine-fixtures';

const ID = 'orch-1';

function firstEpisode(parentInstance?: { taskScheduledId: number; name: string; instanceId: string; executionId: string }): OrchestrationEpisode {
  return expectEpisode(decide(ID, { instance: record(ID, 'Pending') }, [message(ID, startEvent(ID, 'e1', { parentInstance }))]));
}

function apply(episode: OrchestrationEpisode, actions: OrchestratorAction[], customStatus?: string, now = T0 + 100) {
  return applyOrchestratorResult(episode, { instanceId: episode.instanceId, actions, customStatus, completionToken: 't' }, testContext(now));
}

describe('history of an episode (specs/durable-functions-protocol.md §2.3, specs/backends.md B4 step 5)', () => {
  it('is the new events, one event per action with eventId = action id, then orchestratorCompleted', () => {
    const commit = apply(firstEpisode(), [
      { type: 'scheduleTask', id: 0, name: 'Hello', input: '"Tokyo"' },
      { type: 'scheduleTask', id: 1, name: 'Hello', input: '"Paris"' },
    ]);
    // The first episode of an execution writes the whole history.
    expect('replace' in commit.history).toBe(true);
    expect(types(appended(commit))).toEqual(['orchestratorStarted', 'executionStarted', 'taskScheduled', 'taskScheduled', 'orchestratorCompleted']);
    expect(appended(commit).slice(2).map((e) => e.eventId)).toEqual([0, 1, -1]);
  });

  it('appends when the execution already has history', () => {
    const scheduled = event({ type: 'taskScheduled', name: 'A' }, 0);
    const episode = expectEpisode(
      decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID, scheduled) }, [message(ID, event({ type: 'taskCompleted', taskScheduledId: 0, result: '1' }), 'e1')]),
    );
    const commit = apply(episode, [{ type: 'scheduleTask', id: 1, name: 'B' }]);
    expect(types(appended(commit))).toEqual(['orchestratorStarted', 'taskCompleted', 'taskScheduled', 'orchestratorCompleted']);
    expect('append' in commit.history).toBe(true);
  });
});

describe('each action', () => {
  it('scheduleTask enqueues the activity under the action id', () => {
    const commit = apply(firstEpisode(), [{ type: 'scheduleTask', id: 0, name: 'Hello', input: '"x"', version: '2' }]);
    expect(commit.activities).toEqual([
      { instanceId: ID, executionId: 'e1', event: expect.objectContaining({ type: 'taskScheduled', eventId: 0, name: 'Hello', input: '"x"', version: '2' }) },
    ]);
  });

  it('createTimer records timerCreated and sends timerFired to itself, visible at fireAt (specs/backends.md A11)', () => {
    const fireAt = isoTime(T0 + 3_600_000);
    const commit = apply(firstEpisode(), [{ type: 'createTimer', id: 0, fireAt }]);
    expect(appended(commit)).toContainEqual(expect.objectContaining({ type: 'timerCreated', eventId: 0, fireAt }));
    expect(commit.messages).toEqual([
      { instanceId: ID, executionId: 'e1', visibleAt: T0 + 3_600_000, event: expect.objectContaining({ type: 'timerFired', timerId: 0, fireAt, eventId: -1 }) },
    ]);
  });

  it('createSubOrchestration records the creation and starts the child with its parent set', () => {
    const commit = apply(firstEpisode(), [{ type: 'createSubOrchestration', id: 4, instanceId: 'child', name: 'Child', input: '5' }]);
    expect(appended(commit)).toContainEqual(expect.objectContaining({ type: 'subOrchestrationInstanceCreated', eventId: 4, instanceId: 'child', name: 'Child' }));
    expect(commit.messages).toHaveLength(1);
    expect(commit.messages[0]).toMatchObject({
      instanceId: 'child',
      event: {
        type: 'executionStarted',
        name: 'Child',
        input: '5',
        orchestrationInstance: { instanceId: 'child', executionId: 'id1' },
        parentInstance: { taskScheduledId: 4, name: 'Orch', instanceId: ID, executionId: 'e1' },
      },
    });
  });

  it('names an unnamed sub-orchestration "<parent execution id>:<event id>" as DTFx does (§3.3)', () => {
    const commit = apply(firstEpisode(), [{ type: 'createSubOrchestration', id: 2, instanceId: '', name: 'Child' }]);
    expect(commit.messages[0].instanceId).toBe('e1:2');
  });

  it.each([
    ['an entity id', '@counter@x', /starts with '@'/],
    ['an id with a slash', 'a/b', /contains \/, \\, #, \?/],
    ['the id of the calling orchestration', ID, /calling orchestration itself/],
  ])('fails the sub-orchestration task at once when the child id is %s', (_what, instanceId, reason) => {
    const commit = apply(firstEpisode(), [{ type: 'createSubOrchestration', id: 0, instanceId, name: 'Child' }]);
    expect(commit.messages).toHaveLength(1);
    expect(commit.messages[0]).toMatchObject({ instanceId: ID, executionId: 'e1', event: { type: 'subOrchestrationInstanceFailed', taskScheduledId: 0 } });
    const failure = (commit.messages[0].event as { failureDetails: { errorType: string; errorMessage: string } }).failureDetails;
    expect(failure.errorType).toBe('InvalidInstanceId');
    expect(failure.errorMessage).toMatch(/^Cannot start sub-orchestration 'Child': Instance ID /);
    expect(failure.errorMessage).toMatch(reason);
  });

  it('sendEvent records eventSent and raises the event at the target', () => {
    const commit = apply(firstEpisode(), [{ type: 'sendEvent', id: 0, instanceId: 'other', name: 'Ping', data: '1' }]);
    expect(appended(commit)).toContainEqual(expect.objectContaining({ type: 'eventSent', eventId: 0, instanceId: 'other', name: 'Ping', input: '1' }));
    expect(commit.messages).toEqual([{ instanceId: 'other', event: expect.objectContaining({ type: 'eventRaised', name: 'Ping', input: '1' }) }]);
  });

  it('terminateOrchestration sends executionTerminated to the target', () => {
    const commit = apply(firstEpisode(), [{ type: 'terminateOrchestration', id: 0, instanceId: 'other', reason: 'enough', recurse: true }]);
    expect(commit.messages).toEqual([{ instanceId: 'other', event: expect.objectContaining({ type: 'executionTerminated', input: 'enough', recurse: true }) }]);
  });

  it('sendEntityMessage records the request with the action id and sends it to the entity (§4.3)', () => {
    const call = { type: 'entityOperationCalled' as const, requestId: 'r1', operation: 'get', parentInstanceId: ID, parentExecutionId: 'e1', targetInstanceId: '@counter@k' };
    const commit = apply(firstEpisode(), [{ type: 'sendEntityMessage', id: 0, message: call }]);
    expect(appended(commit)).toContainEqual({ ...call, eventId: 0, timestamp: isoTime(T0 + 100) });
    expect(commit.messages).toEqual([{ instanceId: '@counter@k', visibleAt: undefined, event: expect.objectContaining({ ...call, eventId: -1 }) }]);
  });

  it('delays a scheduled signal until its scheduledTime', () => {
    const at = isoTime(T0 + 5000);
    const signal = { type: 'entityOperationSignaled' as const, requestId: 'r1', operation: 'add', input: '1', scheduledTime: at, targetInstanceId: '@counter@k' };
    const commit = apply(firstEpisode(), [{ type: 'sendEntityMessage', id: 0, message: signal }]);
    expect(commit.messages[0]).toMatchObject({ instanceId: '@counter@k', visibleAt: T0 + 5000 });
  });

  it('sends a lock request to the first entity of its lock set', () => {
    const lock = { type: 'entityLockRequested' as const, criticalSectionId: 'cs', lockSet: ['@a@1', '@b@1'], position: 0, parentInstanceId: ID };
    const commit = apply(firstEpisode(), [{ type: 'sendEntityMessage', id: 0, message: lock }]);
    expect(commit.messages[0].instanceId).toBe('@a@1');
  });
});

describe('completing an orchestration', () => {
  it('Completed: executionCompleted with the action id, record Completed with output and completion time', () => {
    const commit = apply(firstEpisode(), [{ type: 'completeOrchestration', id: 3, orchestrationStatus: 'Completed', result: '"done"' }]);
    expect(appended(commit)).toContainEqual(expect.objectContaining({ type: 'executionCompleted', eventId: 3, orchestrationStatus: 'Completed', result: '"done"' }));
    expect(commit.instance).toMatchObject({ status: 'Completed', output: '"done"', completedAt: isoTime(T0 + 100) });
    expect(types(appended(commit)).at(-1)).toBe('orchestratorCompleted');
  });

  it('notifies the parent execution with the task id of its subOrchestrationInstanceCreated', () => {
    const parentInstance = { taskScheduledId: 6, name: 'P', instanceId: 'parent', executionId: 'pe' };
    const commit = apply(firstEpisode(parentInstance), [{ type: 'completeOrchestration', id: 0, orchestrationStatus: 'Completed', result: '42' }]);
    expect(commit.messages).toEqual([
      { instanceId: 'parent', executionId: 'pe', event: expect.objectContaining({ type: 'subOrchestrationInstanceCompleted', taskScheduledId: 6, result: '42' }) },
    ]);
  });

  it('Failed: record Failed with failure details, and the parent gets subOrchestrationInstanceFailed', () => {
    const parentInstance = { taskScheduledId: 1, name: 'P', instanceId: 'parent', executionId: 'pe' };
    const failureDetails = { errorType: 'Error', errorMessage: 'kaboom' };
    const commit = apply(firstEpisode(parentInstance), [
      { type: 'completeOrchestration', id: 0, orchestrationStatus: 'Failed', result: "Orchestrator function 'Orch' failed: kaboom", failureDetails },
    ]);
    expect(commit.instance).toMatchObject({ status: 'Failed', failureDetails, output: "Orchestrator function 'Orch' failed: kaboom" });
    expect(commit.messages[0]).toMatchObject({ instanceId: 'parent', event: { type: 'subOrchestrationInstanceFailed', taskScheduledId: 1, failureDetails } });
  });

  it('still sends the fire-and-forget actions of a failing episode (§3.2)', () => {
    const signal = { type: 'entityOperationSignaled' as const, requestId: 'r', operation: 'log', targetInstanceId: '@audit@1' };
    const commit = apply(firstEpisode(), [
      { type: 'sendEntityMessage', id: 0, message: signal },
      { type: 'completeOrchestration', id: -1, orchestrationStatus: 'Failed', failureDetails: { errorType: 'Error', errorMessage: 'x' } },
    ]);
    expect(commit.messages.map((m) => m.instanceId)).toEqual(['@audit@1']);
  });

  it('releases the locks it holds: granted lock sets minus the unlocks it already sent (§3.2)', () => {
    const lock = event({ type: 'entityLockRequested', criticalSectionId: 'cs', lockSet: ['@a@1', '@b@1', '@c@1'], position: 0, parentInstanceId: ID }, 0);
    const history = [...runningHistory(ID, lock)];
    const episode = expectEpisode(decide(ID, { instance: record(ID, 'Running'), history }, [message(ID, event({ type: 'entityLockGranted', criticalSectionId: 'cs' }))]));
    const unlockB = { type: 'entityUnlockSent' as const, criticalSectionId: 'cs', parentInstanceId: ID, targetInstanceId: '@b@1' };
    const commit = apply(episode, [
      { type: 'sendEntityMessage', id: 1, message: unlockB },
      { type: 'completeOrchestration', id: 2, orchestrationStatus: 'Completed' },
    ]);
    const unlocks = commit.messages.filter((m) => m.event.type === 'entityUnlockSent').map((m) => m.instanceId);
    expect(unlocks).toEqual(['@b@1', '@a@1', '@c@1']);
  });

  it('stores the custom status with the record', () => {
    const commit = apply(firstEpisode(), [], '{"step":2}');
    expect(commit.instance?.customStatus).toBe('{"step":2}');
  });

  it('fails the orchestration when the custom status is over 16 KB of UTF-16 (§3.1, §9.8)', () => {
    const commit = apply(firstEpisode(), [{ type: 'scheduleTask', id: 0, name: 'A' }], `"${'x'.repeat(8192)}"`);
    expect(commit.instance?.status).toBe('Failed');
    expect(commit.instance?.output).toMatch(/^Orchestrator function 'Orch' failed: The custom status is 16388 bytes as UTF-16, over the limit of 16384 bytes/);
    expect(commit.instance?.customStatus).toBeUndefined();
    expect(commit.activities).toEqual([]);
  });

  it('accepts a custom status of exactly 16 KB', () => {
    const commit = apply(firstEpisode(), [], 'x'.repeat(8192));
    expect(commit.instance?.status).toBe('Running');
  });

  it('fails the orchestration with the reason when an action cannot be applied', () => {
    const commit = apply(firstEpisode(), [{ type: 'createTimer', id: 0, fireAt: 'tomorrow' }]);
    expect(commit.instance?.status).toBe('Failed');
    expect(commit.instance?.failureDetails?.errorMessage).toMatch(/timer 0 with fireAt 'tomorrow', which is not an ISO-8601 time/);
  });
});

describe('continue-as-new (§9.11)', () => {
  it('ends the execution and sends the new execution its start: new execution id, result as input, same parent', () => {
    const parentInstance = { taskScheduledId: 2, name: 'P', instanceId: 'parent', executionId: 'pe' };
    const commit = apply(firstEpisode(parentInstance), [
      { type: 'completeOrchestration', id: -1, orchestrationStatus: 'ContinuedAsNew', result: '{"n":2}' },
      { type: 'scheduleTask', id: 0, name: 'TooLate' },
    ]);
    expect(commit.history).toEqual({ replace: [] });
    expect(commit.activities).toEqual([]);
    expect(commit.instance).toMatchObject({ status: 'ContinuedAsNew', executionId: 'id1', input: '{"n":2}' });
    expect(commit.messages).toEqual([
      {
        instanceId: ID,
        event: expect.objectContaining({ type: 'executionStarted', name: 'Orch', input: '{"n":2}', orchestrationInstance: { instanceId: ID, executionId: 'id1' }, parentInstance }),
      },
    ]);
    // The next batch begins the new execution with a history of its own.
    const next = expectEpisode(decide(ID, { instance: commit.instance!, history: [] }, delivered(commit.messages)));
    expect(next).toMatchObject({ executionId: 'id1', pastEvents: [], replaceHistory: true });
    expect(types(next.newEvents)).toEqual(['orchestratorStarted', 'executionStarted']);
  });

  it('drops late answers to the old execution and releases its locks', () => {
    const lock = event({ type: 'entityLockRequested', criticalSectionId: 'cs', lockSet: ['@a@1'], position: 0, parentInstanceId: ID }, 0);
    const episode = expectEpisode(
      decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID, lock) }, [message(ID, event({ type: 'entityLockGranted', criticalSectionId: 'cs' }))]),
    );
    const commit = apply(episode, [{ type: 'completeOrchestration', id: -1, orchestrationStatus: 'ContinuedAsNew', result: '1' }]);
    expect(commit.messages.map((m) => `${m.instanceId}:${m.event.type}`)).toEqual(['@a@1:entityUnlockSent', `${ID}:executionStarted`]);
    const late = decide(ID, { instance: commit.instance!, history: [] }, [...delivered(commit.messages.slice(1)), message(ID, event({ type: 'taskCompleted', taskScheduledId: 0 }), 'e1')]);
    expect(types(expectEpisode(late).newEvents)).toEqual(['orchestratorStarted', 'executionStarted']);
  });
});
