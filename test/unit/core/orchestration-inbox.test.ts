import { clientVisibleHistory, isoTime, type HistoryEvent } from '../../../src/core';
import {
  T0,
  appended,
  decide,
  event,
  expectCommit,
  expectEpisode,
  message,
  record,
  runningHistory,
  startEvent,
  testContext,
  types,
} from './engine-fixtures';

const ID = 'orch-1';

describe('starting an execution (specs/backends.md B4 step 4)', () => {
  it('runs the first episode with [orchestratorStarted, executionStarted] and marks the Pending record Running', () => {
    const pending = record(ID, 'Pending', { createdAt: isoTime(T0 - 5000) });
    const episode = expectEpisode(decide(ID, { instance: pending }, [message(ID, startEvent(ID))], testContext(T0 + 1000)));
    expect(episode.pastEvents).toEqual([]);
    expect(types(episode.newEvents)).toEqual(['orchestratorStarted', 'executionStarted']);
    expect(episode.newEvents[0].timestamp).toBe(isoTime(T0 + 1000));
    expect(episode.replaceHistory).toBe(true);
    expect(episode.record).toMatchObject({ status: 'Running', executionId: 'e1', input: '"in"', createdAt: isoTime(T0 - 5000) });
  });

  it('creates the record of a sub-orchestration from its start, with its parent', () => {
    const parentInstance = { taskScheduledId: 3, name: 'Parent', instanceId: 'parent', executionId: 'pe' };
    const episode = expectEpisode(decide('child', {}, [message('child', startEvent('child', 'c1', { parentInstance }))]));
    expect(episode.record).toMatchObject({ instanceId: 'child', status: 'Running', executionId: 'c1', parentInstanceId: 'parent' });
  });

  it('discards a second start for a running instance with another execution id', () => {
    const context = testContext();
    const running = record(ID, 'Running');
    const commit = expectCommit(decide(ID, { instance: running, history: runningHistory(ID) }, [message(ID, startEvent(ID, 'e2'))], context));
    expect(commit.instance).toEqual(running);
    expect(appended(commit)).toEqual([]);
    expect(context.logs.join('\n')).toMatch(/Discarded executionStarted for 'orch-1': the instance is already Running with execution e1/);
  });

  it('fails the parent task when a sub-orchestration id belongs to a running instance', () => {
    const parentInstance = { taskScheduledId: 3, name: 'Parent', instanceId: 'parent', executionId: 'pe' };
    const commit = expectCommit(
      decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID) }, [message(ID, startEvent(ID, 'e9', { parentInstance }))]),
    );
    expect(commit.messages).toHaveLength(1);
    expect(commit.messages[0]).toMatchObject({ instanceId: 'parent', executionId: 'pe', event: { type: 'subOrchestrationInstanceFailed', taskScheduledId: 3 } });
    const failed = commit.messages[0].event as Extract<HistoryEvent, { type: 'subOrchestrationInstanceFailed' }>;
    expect(failed.failureDetails.errorMessage).toMatch(/instance ID 'orch-1': an instance with this ID is already Running/);
  });

  it('ignores a redelivered start of an execution that already finished', () => {
    const done = record(ID, 'Completed');
    const commit = expectCommit(decide(ID, { instance: done, history: runningHistory(ID) }, [message(ID, startEvent(ID, 'e1'))]));
    expect(commit.instance).toEqual(done);
    expect(appended(commit)).toEqual([]);
  });

  it('starts a new execution when a sub-orchestration reuses the id of a finished instance', () => {
    const parentInstance = { taskScheduledId: 0, name: 'Parent', instanceId: 'parent', executionId: 'pe' };
    const episode = expectEpisode(
      decide(ID, { instance: record(ID, 'Completed'), history: runningHistory(ID) }, [message(ID, startEvent(ID, 'e2', { parentInstance }))]),
    );
    expect(episode).toMatchObject({ executionId: 'e2', pastEvents: [], replaceHistory: true });
  });
});

describe('messages that cannot be delivered', () => {
  it('discards events for an unknown instance with a log line and leaves no record', () => {
    const context = testContext();
    const commit = expectCommit(decide('ghost', {}, [message('ghost', event({ type: 'eventRaised', name: 'E' }))], context));
    expect(commit.instance).toBeNull();
    expect(context.logs).toContain("warn: Discarded eventRaised for 'ghost': no instance with this ID exists.");
  });

  it('discards messages for a finished instance, so nothing is left waiting (specs/backends.md A8.4)', () => {
    const done = record(ID, 'Failed');
    const commit = expectCommit(
      decide(ID, { instance: done, history: runningHistory(ID) }, [message(ID, event({ type: 'taskCompleted', taskScheduledId: 0 }), 'e1')]),
    );
    expect(appended(commit)).toEqual([]);
    expect(commit.messages).toEqual([]);
  });

  it('discards responses addressed to an earlier execution', () => {
    const running = record(ID, 'Running', { executionId: 'e2' });
    const history = runningHistory(ID).map((e) => (e.type === 'executionStarted' ? startEvent(ID, 'e2') : e));
    const commit = expectCommit(decide(ID, { instance: running, history }, [message(ID, event({ type: 'timerFired', timerId: 0, fireAt: isoTime(T0) }), 'e1')]));
    expect(appended(commit)).toEqual([]);
  });

  it('discards a second copy of a response already in history (at-least-once delivery, specs/backends.md A8.5)', () => {
    const scheduled = event({ type: 'taskScheduled', name: 'A' }, 0);
    const history = [...runningHistory(ID, scheduled), event({ type: 'orchestratorStarted' }), event({ type: 'taskCompleted', taskScheduledId: 0, result: '1' })];
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Running'), history }, [message(ID, event({ type: 'taskCompleted', taskScheduledId: 0, result: '1' }), 'e1')]));
    expect(appended(commit)).toEqual([]);
  });

  it('keeps events for a Pending instance in the inbox until its start arrives', () => {
    const pending = record(ID, 'Pending', { scheduledStartAt: isoTime(T0 + 60_000) });
    const raised = message(ID, event({ type: 'eventRaised', name: 'Go' }));
    const commit = expectCommit(decide(ID, { instance: pending }, [raised]));
    expect(commit.keepMessageIds).toEqual([raised.messageId]);
    expect(commit.instance).toEqual(pending);
    expect(appended(commit)).toEqual([]);
  });

  it('keeps events sent between a continue-as-new and the start of the new execution', () => {
    const window = record(ID, 'ContinuedAsNew', { executionId: 'e2' });
    const raised = message(ID, event({ type: 'eventRaised', name: 'Go' }));
    expect(expectCommit(decide(ID, { instance: window }, [raised])).keepMessageIds).toEqual([raised.messageId]);
  });

  it('drops what waited for the start when the Pending instance is terminated', () => {
    const raised = message(ID, event({ type: 'eventRaised', name: 'Go' }));
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Pending') }, [raised, message(ID, event({ type: 'executionTerminated' }))]));
    expect(commit.instance?.status).toBe('Terminated');
    expect(commit.keepMessageIds).toBeUndefined();
  });

  it('delivers events that were dequeued ahead of the start to the execution the start begins', () => {
    const raised = event({ type: 'eventRaised', name: 'Go', input: '1' });
    const episode = expectEpisode(decide(ID, { instance: record(ID, 'Pending') }, [message(ID, raised), message(ID, startEvent(ID))]));
    expect(types(episode.newEvents)).toEqual(['orchestratorStarted', 'executionStarted', 'eventRaised']);
  });
});

describe('timers (specs/durable-functions-protocol.md §8)', () => {
  const created = event({ type: 'timerCreated', fireAt: isoTime(T0 + 60_000) }, 0);
  const fired = event({ type: 'timerFired', timerId: 0, fireAt: isoTime(T0 + 60_000) });

  it('stamps the delivering episode with fireAt when the timer is delivered a little early', () => {
    const episode = expectEpisode(decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID, created) }, [message(ID, fired, 'e1')], testContext(T0 + 59_990)));
    expect(episode.newEvents[0]).toMatchObject({ type: 'orchestratorStarted', timestamp: isoTime(T0 + 60_000) });
  });

  it('stamps it with now when the timer is delivered late', () => {
    const episode = expectEpisode(decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID, created) }, [message(ID, fired, 'e1')], testContext(T0 + 90_000)));
    expect(episode.newEvents[0].timestamp).toBe(isoTime(T0 + 90_000));
  });
});

describe('terminate (specs/durable-functions-protocol.md §9.12)', () => {
  it('ends a running instance without user code: reason as output, executionCompleted(Terminated) in history', () => {
    const commit = expectCommit(
      decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID) }, [message(ID, event({ type: 'executionTerminated', input: 'stop' }))], testContext(T0 + 10)),
    );
    expect(types(appended(commit))).toEqual(['orchestratorStarted', 'executionTerminated', 'executionCompleted', 'orchestratorCompleted']);
    expect(appended(commit)[2]).toMatchObject({ orchestrationStatus: 'Terminated', result: 'stop' });
    expect(commit.instance).toMatchObject({ status: 'Terminated', output: 'stop', completedAt: isoTime(T0 + 10) });
  });

  it('discards what arrives after the terminate in the same batch', () => {
    const commit = expectCommit(
      decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID) }, [
        message(ID, event({ type: 'executionTerminated', input: 'stop' })),
        message(ID, event({ type: 'eventRaised', name: 'late' })),
      ]),
    );
    expect(types(appended(commit))).not.toContain('eventRaised');
  });

  it('with recurse, terminates the sub-orchestrations that are still running, and only those', () => {
    const history = [
      ...runningHistory(
        ID,
        event({ type: 'subOrchestrationInstanceCreated', name: 'C', instanceId: 'child-a' }, 0),
        event({ type: 'subOrchestrationInstanceCreated', name: 'C', instanceId: 'child-b' }, 1),
      ),
      event({ type: 'orchestratorStarted' }),
      event({ type: 'subOrchestrationInstanceCompleted', taskScheduledId: 1 }),
      event({ type: 'orchestratorCompleted' }),
    ];
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Running'), history }, [message(ID, event({ type: 'executionTerminated', input: 'r', recurse: true }))]));
    expect(commit.messages).toEqual([{ instanceId: 'child-a', event: expect.objectContaining({ type: 'executionTerminated', input: 'r', recurse: true }) }]);
  });

  it('tells the parent its sub-orchestration failed, so the parent does not wait forever', () => {
    const parentInstance = { taskScheduledId: 7, name: 'P', instanceId: 'parent', executionId: 'pe' };
    const history = [event({ type: 'orchestratorStarted' }), startEvent(ID, 'e1', { parentInstance }), event({ type: 'orchestratorCompleted' })];
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Running'), history }, [message(ID, event({ type: 'executionTerminated', input: 'bye' }))]));
    expect(commit.messages).toEqual([
      {
        instanceId: 'parent',
        executionId: 'pe',
        event: expect.objectContaining({
          type: 'subOrchestrationInstanceFailed',
          taskScheduledId: 7,
          failureDetails: { errorType: 'OrchestrationTerminated', errorMessage: "Sub-orchestration 'orch-1' was terminated: bye" },
        }),
      },
    ]);
  });

  it('releases the entity locks the instance holds (specs/durable-functions-protocol.md §3.2)', () => {
    const lock = event({ type: 'entityLockRequested', criticalSectionId: 'cs1', lockSet: ['@a@1', '@b@1'], position: 0, parentInstanceId: ID }, 0);
    const history = [...runningHistory(ID, lock), event({ type: 'orchestratorStarted' }), event({ type: 'entityLockGranted', criticalSectionId: 'cs1' }), event({ type: 'orchestratorCompleted' })];
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Running'), history }, [message(ID, event({ type: 'executionTerminated' }))]));
    expect(commit.messages.map((m) => [m.instanceId, m.event.type])).toEqual([
      ['@a@1', 'entityUnlockSent'],
      ['@b@1', 'entityUnlockSent'],
    ]);
  });

  it('ends a Pending instance that never started by updating its record (specs/backends.md A8.4)', () => {
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Pending') }, [message(ID, event({ type: 'executionTerminated', input: 'no' }))]));
    expect(commit.instance).toMatchObject({ status: 'Terminated', output: 'no' });
    expect(appended(commit)).toEqual([]);
  });
});

describe('suspend and resume (specs/durable-functions-protocol.md §9.12)', () => {
  const scheduled = event({ type: 'taskScheduled', name: 'A' }, 0);

  it('suspends without running user code', () => {
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID, scheduled) }, [message(ID, event({ type: 'executionSuspended', input: 'pause' }))]));
    expect(commit.instance?.status).toBe('Suspended');
    expect(types(appended(commit))).toEqual(['orchestratorStarted', 'executionSuspended', 'orchestratorCompleted']);
  });

  it('records events that arrive while suspended without an episode, and runs one on resume', () => {
    const suspendedHistory = [...runningHistory(ID, scheduled), event({ type: 'orchestratorStarted' }), event({ type: 'executionSuspended' }), event({ type: 'orchestratorCompleted' })];
    const suspended = record(ID, 'Suspended');
    const completed = event({ type: 'taskCompleted', taskScheduledId: 0, result: '"x"' });
    const whileSuspended = expectCommit(decide(ID, { instance: suspended, history: suspendedHistory }, [message(ID, completed, 'e1')]));
    expect(whileSuspended.instance?.status).toBe('Suspended');
    expect(types(appended(whileSuspended))).toEqual(['orchestratorStarted', 'taskCompleted', 'orchestratorCompleted']);

    const buffered = [...suspendedHistory, ...appended(whileSuspended)];
    const episode = expectEpisode(decide(ID, { instance: suspended, history: buffered }, [message(ID, event({ type: 'executionResumed' }))]));
    expect(episode.record.status).toBe('Running');
    expect(episode.pastEvents).toEqual(buffered);
    expect(types(episode.newEvents)).toEqual(['orchestratorStarted', 'executionResumed']);
  });
});

describe('rewind from the episode of the last failure', () => {
  const ok = event({ type: 'taskCompleted', taskScheduledId: 0, result: '1' });
  const failedHistory: HistoryEvent[] = [
    ...runningHistory(ID, event({ type: 'taskScheduled', name: 'Ok' }, 0), event({ type: 'taskScheduled', name: 'Flaky' }, 1), event({ type: 'subOrchestrationInstanceCreated', name: 'C', instanceId: 'kid' }, 2)),
    event({ type: 'orchestratorStarted' }),
    ok,
    event({ type: 'taskFailed', taskScheduledId: 1, failureDetails: { errorType: 'Error', errorMessage: 'boom' } }),
    event({ type: 'subOrchestrationInstanceFailed', taskScheduledId: 2, failureDetails: { errorType: 'Error', errorMessage: 'kid failed' } }),
    event({ type: 'executionCompleted', orchestrationStatus: 'Failed', result: 'failed' }),
    event({ type: 'orchestratorCompleted' }),
  ];
  const failed = record(ID, 'Failed', { output: 'failed', failureDetails: { errorType: 'Error', errorMessage: 'boom' }, completedAt: isoTime(T0) });

  it('cuts history before that episode, reruns its failed activity, rewinds its failed child and delivers its other answers again', () => {
    const episode = expectEpisode(decide(ID, { instance: failed, history: failedHistory }, [message(ID, event({ type: 'executionRewound', reason: 'fixed' }))]));
    expect(episode.replaceHistory).toBe(true);
    expect(episode.pastEvents).toEqual(failedHistory.slice(0, 6));
    expect(types(episode.newEvents)).toEqual(['orchestratorStarted', 'executionRewound']);
    expect(episode.activities).toEqual([{ instanceId: ID, executionId: 'e1', event: expect.objectContaining({ type: 'taskScheduled', eventId: 1, name: 'Flaky' }) }]);
    expect(episode.messages).toEqual([
      { instanceId: ID, executionId: 'e1', event: ok },
      { instanceId: 'kid', event: expect.objectContaining({ type: 'executionRewound', reason: 'fixed' }) },
    ]);
    expect(episode.record).toMatchObject({ status: 'Running', output: undefined, failureDetails: undefined, completedAt: undefined });
  });

  it('keeps the handled failures of a retried call and drops the retry timer that followed the last one', () => {
    const failure = (id: number) => event({ type: 'taskFailed', taskScheduledId: id, failureDetails: { errorType: 'Error', errorMessage: `attempt ${id}` } });
    const retried = [
      ...runningHistory(ID, event({ type: 'taskScheduled', name: 'Flaky' }, 0)),
      ...[event({ type: 'orchestratorStarted' }), failure(0), event({ type: 'timerCreated', fireAt: isoTime(T0 + 1000) }, 1), event({ type: 'orchestratorCompleted' })],
      ...[event({ type: 'orchestratorStarted' }), event({ type: 'timerFired', timerId: 1, fireAt: isoTime(T0 + 1000) }), event({ type: 'taskScheduled', name: 'Flaky' }, 2), event({ type: 'orchestratorCompleted' })],
    ];
    const lastEpisode = [event({ type: 'orchestratorStarted' }), failure(2), event({ type: 'timerCreated', fireAt: isoTime(T0 + 3000) }, 3), event({ type: 'orchestratorCompleted' })];
    const finalEpisode = [
      event({ type: 'orchestratorStarted' }),
      event({ type: 'timerFired', timerId: 3, fireAt: isoTime(T0 + 3000) }),
      event({ type: 'executionCompleted', orchestrationStatus: 'Failed', result: 'failed' }),
      event({ type: 'orchestratorCompleted' }),
    ];
    const history = [...retried, ...lastEpisode, ...finalEpisode];
    const episode = expectEpisode(decide(ID, { instance: failed, history }, [message(ID, event({ type: 'executionRewound' }))]));
    expect(episode.pastEvents).toEqual(retried);
    expect(episode.activities).toEqual([{ instanceId: ID, executionId: 'e1', event: expect.objectContaining({ type: 'taskScheduled', eventId: 2 }) }]);
    // The fired timer answered a timer the cut dropped: the replay creates it again if the rerun fails.
    expect(episode.messages).toEqual([]);
  });

  // Task.all fails at its first failure; the rest of the fan-out answers a Failed instance.
  describe('answers that arrive after the instance failed', () => {
    const fanOut = [
      ...runningHistory(
        ID,
        event({ type: 'subOrchestrationInstanceCreated', name: 'C', instanceId: 'kid0' }, 0),
        event({ type: 'subOrchestrationInstanceCreated', name: 'C', instanceId: 'kid1' }, 1),
        event({ type: 'subOrchestrationInstanceCreated', name: 'C', instanceId: 'kid2' }, 2),
        event({ type: 'taskScheduled', name: 'Slow' }, 3),
      ),
      event({ type: 'orchestratorStarted' }),
      event({ type: 'subOrchestrationInstanceFailed', taskScheduledId: 1, failureDetails: { errorType: 'Error', errorMessage: 'kid1 failed' } }),
      event({ type: 'executionCompleted', orchestrationStatus: 'Failed', result: 'failed' }),
      event({ type: 'orchestratorCompleted' }),
    ];
    const kid0Done = event({ type: 'subOrchestrationInstanceCompleted', taskScheduledId: 0, result: '"kid0"' });
    const kid2Failed = event({ type: 'subOrchestrationInstanceFailed', taskScheduledId: 2, failureDetails: { errorType: 'Error', errorMessage: 'kid2 failed' } });
    const slowDone = event({ type: 'taskCompleted', taskScheduledId: 3, result: '"slow"' });

    it('are recorded without running code, and the instance record stays as it was; other messages are still dropped', () => {
      const late = [message(ID, kid0Done), message(ID, kid2Failed), message(ID, slowDone), message(ID, slowDone), message(ID, event({ type: 'eventRaised', name: 'Go' }))];
      const commit = expectCommit(decide(ID, { instance: failed, history: fanOut }, late));
      expect(commit.instance).toEqual(failed);
      expect(appended(commit)).toEqual([expect.objectContaining({ type: 'orchestratorStarted' }), kid0Done, kid2Failed, slowDone, expect.objectContaining({ type: 'orchestratorCompleted' })]);
      expect(commit.messages).toEqual([]);
    });

    it('are left out of the history clients see, which ends with the execution', () => {
      const recorded = [...fanOut, event({ type: 'orchestratorStarted' }), kid0Done, event({ type: 'orchestratorCompleted' })];
      expect(clientVisibleHistory(recorded)).toEqual(fanOut);
      expect(clientVisibleHistory(fanOut.slice(0, -4))).toEqual(fanOut.slice(0, -4));
    });

    it('are delivered again by a rewind, whose failures are rerun or rewound with the one the code saw', () => {
      const recorded = [event({ type: 'orchestratorStarted' }), kid0Done, kid2Failed, slowDone, event({ type: 'orchestratorCompleted' })];
      const episode = expectEpisode(decide(ID, { instance: failed, history: [...fanOut, ...recorded] }, [message(ID, event({ type: 'executionRewound', reason: 'fixed' }))]));
      expect(episode.pastEvents).toEqual(fanOut.slice(0, -4));
      expect(episode.activities).toEqual([]);
      expect(episode.messages).toEqual([
        { instanceId: 'kid1', event: expect.objectContaining({ type: 'executionRewound', reason: 'fixed' }) },
        { instanceId: ID, executionId: 'e1', event: kid0Done },
        { instanceId: 'kid2', event: expect.objectContaining({ type: 'executionRewound', reason: 'fixed' }) },
        { instanceId: ID, executionId: 'e1', event: slowDone },
      ]);
    });
  });

  it('does not rewind an instance that has not failed', () => {
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Running'), history: runningHistory(ID) }, [message(ID, event({ type: 'executionRewound' }))]));
    expect(appended(commit)).toEqual([]);
  });
});

describe('a lock granted after the orchestration finished', () => {
  it('is handed back to every entity of its lock set at once', () => {
    const lock = event({ type: 'entityLockRequested', criticalSectionId: 'cs9', lockSet: ['@a@1', '@b@2'], position: 0, parentInstanceId: ID }, 0);
    const history = [...runningHistory(ID, lock), event({ type: 'executionCompleted', orchestrationStatus: 'Terminated' })];
    const commit = expectCommit(decide(ID, { instance: record(ID, 'Terminated'), history }, [message(ID, event({ type: 'entityLockGranted', criticalSectionId: 'cs9' }))]));
    expect(commit.messages).toEqual([
      { instanceId: '@a@1', event: expect.objectContaining({ type: 'entityUnlockSent', criticalSectionId: 'cs9', parentInstanceId: ID, targetInstanceId: '@a@1' }) },
      { instanceId: '@b@2', event: expect.objectContaining({ type: 'entityUnlockSent', criticalSectionId: 'cs9', parentInstanceId: ID, targetInstanceId: '@b@2' }) },
    ]);
  });
});
