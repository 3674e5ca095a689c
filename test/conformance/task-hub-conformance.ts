// The task-hub conformance suite: every promise of src/taskhub/task-hub.ts that the rest of the runtime relies on,
// written once and run against every TaskHub (the local task hub over each backend in local-task-hub.test.ts, the
// gRPC task hub over an emulator process in grpc-task-hub.test.ts). A scripted worker answers work items with
// hand-built results, as a worker would after running user code, so the hub is tested without the durable-functions adapter or a Functions host.
//
//   describeTaskHubConformance('local over memory', async () => {
//     const clock = new ManualClock();
//     const backend = new MemoryBackend({ clock });
//     const hub = new LocalTaskHub({ backend, clock });
//     await hub.start();
//     return { hub, clock, settled: () => waitFor(() => backend.isIdle(), 'the backend to settle'), cleanup: () => hub.stop() };
//   });
//
// `setup` runs before every test and returns a started hub with nothing stored. With a ManualClock the suite moves
// time itself; without one it waits in real time through delays of `realTime.delayMs`.

import { isoTime, type HistoryEvent, type ManualClock, type OrchestratorAction, type OrchestratorWorkItem, type WorkItem } from '../../src/core';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, OperationNotApplicableError, type TaskHub } from '../../src/taskhub';
import { ScriptedWorker, type EpisodeView, type Scripts } from '../support/scripted-worker';
import { waitFor as pollFor } from '../support/wait-for';

export interface TaskHubTarget {
  /** Started, with nothing stored. */
  hub: TaskHub;
  /** The hub's clock, when the suite may move it; undefined for hubs on real time. */
  clock?: ManualClock;
  /** Real-time hubs: the delay the suite uses for timers and scheduled starts (long enough to check "not yet"). */
  realTime?: { delayMs: number };
  /** Resolves once nothing is visible, locked or running, so "nothing happened" can be checked; clock targets only. */
  settled?(): Promise<void>;
  /** What the hub logged so far, when the target captures it. */
  logs?: string[];
  /** Another hub on the same storage, as after a restart (started); stopping the first one must hand its work over. */
  reopen(): Promise<TaskHub>;
  /**
   * Makes the hub lose the lock of a work item it handed out, as a lease expiry or a purge behind its back does.
   * Only targets that reach the hub's storage can; the case that needs it is registered for those only.
   */
  loseLock?(item: WorkItem): Promise<void>;
  /** Stops the hub(s) and removes what setup created. */
  cleanup(): Promise<void>;
}

const HOUR = 3_600_000;

function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string): Promise<T> {
  return pollFor(what, probe, 30_000, 5);
}

// Building orchestrator scripts: each looks at the history and returns this episode's new actions.

/** Answers in history by the id of what they answer (task, sub-orchestration or timer id). */
function answers(history: HistoryEvent[]): Map<number, HistoryEvent> {
  const found = new Map<number, HistoryEvent>();
  for (const e of history) {
    if (e.type === 'taskCompleted' || e.type === 'taskFailed' || e.type === 'subOrchestrationInstanceCompleted' || e.type === 'subOrchestrationInstanceFailed') found.set(e.taskScheduledId, e);
    if (e.type === 'timerFired') found.set(e.timerId, e);
  }
  return found;
}
function scheduled(history: HistoryEvent[], id: number): boolean {
  return history.some((e) => e.eventId === id && e.type !== 'executionCompleted');
}
function raised(history: HistoryEvent[], name: string) {
  return history.find((e): e is Extract<HistoryEvent, { type: 'eventRaised' }> => e.type === 'eventRaised' && e.name === name);
}
function resultOf(event: HistoryEvent | undefined): string | undefined {
  return event && 'result' in event ? event.result : undefined;
}
const complete = (id: number, result?: string): OrchestratorAction => ({ type: 'completeOrchestration', id, orchestrationStatus: 'Completed', result });
const fail = (id: number, errorMessage: string): OrchestratorAction => ({
  type: 'completeOrchestration',
  id,
  orchestrationStatus: 'Failed',
  result: `Orchestrator function failed: ${errorMessage}`,
  failureDetails: { errorType: 'Error', errorMessage },
});

/** Calls Hello for each input in turn, then returns all results. */
function sequence(...cities: string[]) {
  return ({ history }: EpisodeView): OrchestratorAction[] => {
    const done = answers(history);
    for (let id = 0; id < cities.length; id++) {
      if (!scheduled(history, id)) return [{ type: 'scheduleTask', id, name: 'Hello', input: JSON.stringify(cities[id]) }];
      if (!done.has(id)) return [];
    }
    return [complete(cities.length, `[${cities.map((_, id) => resultOf(done.get(id))).join(',')}]`)];
  };
}

/** Waits for the external event, then returns its data. */
function waitForEvent(name: string) {
  return ({ history }: EpisodeView): OrchestratorAction[] => {
    const event = raised(history, name);
    return event ? [complete(0, event.input)] : [];
  };
}

const hello = (input: string | undefined) => JSON.stringify(`Hello ${JSON.parse(input ?? 'null')}`);


/** What a target can do, known when the cases are registered. */
export interface TaskHubCapabilities {
  /** The target provides `loseLock` (default true). */
  loseLock?: boolean;
}

export function describeTaskHubConformance(name: string, setup: () => Promise<TaskHubTarget>, capabilities: TaskHubCapabilities = {}): void {
  describe(`${name} task hub conformance`, () => {
    let target: TaskHubTarget;
    let hub: TaskHub;
    let workers: ScriptedWorker[] = [];
    /** How far ahead timers and scheduled starts are set: an hour on a test clock, a few seconds in real time. */
    let LATER: number;
    /** Concurrent critical sections in the lock test: fewer in real time, where each costs queue round trips. */
    let SECTIONS: number;

    beforeEach(async () => {
      target = await setup();
      hub = target.hub;
      LATER = target.clock ? HOUR : (target.realTime?.delayMs ?? 3000);
      SECTIONS = target.clock ? 30 : 10;
    });

    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await target?.cleanup();
    });

    function startWorker(scripts: Scripts, kinds?: ('orchestrator' | 'activity' | 'entity')[], on: TaskHub = hub): ScriptedWorker {
      const worker = new ScriptedWorker(on, scripts, kinds).start();
      workers.push(worker);
      return worker;
    }
    const now = () => target.clock?.now() ?? Date.now();
    /** Moves a test clock; in real time the time passes while the test waits for the outcome. */
    async function passTime(ms: number): Promise<void> {
      target.clock?.advance(ms);
    }
    async function settled(): Promise<void> {
      await target.settled?.();
    }
    // Reads whose optional fields are present, undefined when unset: the contract makes `lockedBy` and
    // `failureDetails` optional, so a hub may leave them out (the gRPC one does) or set them to undefined.
    async function entityOf(instanceId: string) {
      const entity = await hub.getEntity(instanceId);
      return entity && { lockedBy: undefined, ...entity };
    }
    async function stateOf(instanceId: string) {
      const state = await hub.getOrchestration(instanceId);
      return state && { failureDetails: undefined, ...state };
    }
    async function historyOf(instanceId: string): Promise<HistoryEvent[]> {
      return (await hub.getOrchestration(instanceId, { includeHistory: true }))?.history ?? [];
    }

  describe('starting and running orchestrations', () => {
    it('makes the instance visible as Pending before startOrchestration resolves', async () => {
      const id = await hub.startOrchestration({ name: 'Sequence', input: '"x"' });
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(await hub.getOrchestration(id)).toMatchObject({ instanceId: id, name: 'Sequence', status: 'Pending', input: '"x"' });
      if (target.clock) expect((await hub.getOrchestration(id))?.createdAt).toBe(isoTime(target.clock.now()));
    });

    it('runs activities in sequence and completes with their results', async () => {
      startWorker({ orchestrators: { Sequence: sequence('Tokyo', 'Paris') }, activities: { Hello: hello } });
      const id = await hub.startOrchestration({ name: 'Sequence', instanceId: 'seq' });
      const done = await hub.waitForCompletion(id);
      expect(done).toMatchObject({ status: 'Completed', output: '["Hello Tokyo","Hello Paris"]' });
      // specs/durable-functions-protocol.md §2.3: every episode is orchestratorStarted … orchestratorCompleted.
      expect((await historyOf(id)).map((e) => e.type)).toEqual([
        'orchestratorStarted', 'executionStarted', 'taskScheduled', 'orchestratorCompleted',
        'orchestratorStarted', 'taskCompleted', 'taskScheduled', 'orchestratorCompleted',
        'orchestratorStarted', 'taskCompleted', 'executionCompleted', 'orchestratorCompleted',
      ]);
    });

    it('reports an activity failure to the orchestrator, which can fail with it', async () => {
      startWorker({
        orchestrators: {
          Boom: ({ history }) => {
            const answer = answers(history).get(0);
            if (!scheduled(history, 0)) return [{ type: 'scheduleTask', id: 0, name: 'Explode' }];
            return answer?.type === 'taskFailed' ? [fail(1, answer.failureDetails.errorMessage)] : [];
          },
        },
        activities: { Explode: () => { throw new Error('kaboom'); } },
      });
      const id = await hub.startOrchestration({ name: 'Boom' });
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Failed', failureDetails: { errorMessage: 'kaboom' } });
    });

    it('replaces a finished instance on a new start with its id, but not a running one', async () => {
      startWorker({ orchestrators: { Wait: waitForEvent('Go'), Quick: () => [complete(0, '1')] } });
      await hub.startOrchestration({ name: 'Quick', instanceId: 'reuse' });
      await hub.waitForCompletion('reuse');
      await hub.startOrchestration({ name: 'Wait', instanceId: 'reuse' });
      expect((await hub.getOrchestration('reuse'))?.name).toBe('Wait');
      await expect(hub.startOrchestration({ name: 'Wait', instanceId: 'reuse' })).rejects.toBeInstanceOf(InstanceExistsError);
    });

    it('rejects an instance id that starts with "@"', async () => {
      await expect(hub.startOrchestration({ name: 'X', instanceId: '@counter@1' })).rejects.toThrow(/starts with '@', which is reserved for entities/);
    });

    it('continues as new with a fresh history until done; waitForCompletion is not fooled by ContinuedAsNew', async () => {
      startWorker({
        orchestrators: {
          Countdown: ({ input }) => {
            const n = Number(input);
            return n > 0 ? [{ type: 'completeOrchestration', id: -1, orchestrationStatus: 'ContinuedAsNew', result: String(n - 1) }] : [complete(0, '"liftoff"')];
          },
        },
      });
      const id = await hub.startOrchestration({ name: 'Countdown', input: '3' });
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '"liftoff"', input: '0' });
      expect((await historyOf(id)).map((e) => e.type)).toEqual(['orchestratorStarted', 'executionStarted', 'executionCompleted', 'orchestratorCompleted']);
    });
  });

  describe('durable timers', () => {
    it('fire only after the clock reaches fireAt, and the delivering episode is stamped at or after fireAt (§8)', async () => {
      const fireAt = isoTime(now() + LATER);
      startWorker({
        orchestrators: {
          Nap: ({ history }) => {
            if (!scheduled(history, 0)) return [{ type: 'createTimer', id: 0, fireAt }];
            return answers(history).has(0) ? [complete(1)] : [];
          },
        },
      });
      const id = await hub.startOrchestration({ name: 'Nap' });
      await waitFor(async () => (await historyOf(id)).some((e) => e.type === 'timerCreated'), 'the timer to be created');
      await passTime(LATER - 1);
      await settled();
      expect((await hub.getOrchestration(id))?.status).toBe('Running');

      await passTime(1);
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed' });
      const history = await historyOf(id);
      const fired = history.findIndex((e) => e.type === 'timerFired');
      expect(Date.parse(history[fired - 1].timestamp)).toBeGreaterThanOrEqual(Date.parse(fireAt));
    });

    it('starts a scheduled orchestration at its start time', async () => {
      startWorker({ orchestrators: { Quick: () => [complete(0, '1')] } });
      const id = await hub.startOrchestration({ name: 'Quick', scheduledStartAt: isoTime(now() + LATER) });
      await settled();
      expect((await hub.getOrchestration(id))?.status).toBe('Pending');
      await passTime(LATER);
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed' });
    });
  });

  describe('sub-orchestrations', () => {
    const parent = ({ history, input }: EpisodeView): OrchestratorAction[] => {
      if (!scheduled(history, 0)) return [{ type: 'createSubOrchestration', id: 0, instanceId: 'child', name: 'Sequence', input }];
      const answer = answers(history).get(0);
      if (answer?.type === 'subOrchestrationInstanceCompleted') return [complete(1, answer.result)];
      if (answer?.type === 'subOrchestrationInstanceFailed') return [fail(1, answer.failureDetails.errorMessage)];
      return [];
    };

    it('runs the child and hands its output to the parent', async () => {
      startWorker({ orchestrators: { Parent: parent, Sequence: sequence('Oslo') }, activities: { Hello: hello } });
      const id = await hub.startOrchestration({ name: 'Parent', input: '"in"' });
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '["Hello Oslo"]' });
      expect(await hub.getOrchestration('child')).toMatchObject({ status: 'Completed', parentInstanceId: id, input: '"in"' });
    });

    it('fails the parent task when the child id belongs to a running instance', async () => {
      startWorker({ orchestrators: { Parent: parent, Wait: waitForEvent('never') } });
      await hub.startOrchestration({ name: 'Wait', instanceId: 'child' });
      const id = await hub.startOrchestration({ name: 'Parent' });
      const done = await hub.waitForCompletion(id);
      expect(done?.status).toBe('Failed');
      expect(done?.failureDetails?.errorMessage).toMatch(/an instance with this ID is already Running/);
    });

    it('terminates running children with a recursive terminate', async () => {
      startWorker({ orchestrators: { Parent: parent, Sequence: waitForEvent('never') } });
      const id = await hub.startOrchestration({ name: 'Parent' });
      await waitFor(async () => (await hub.getOrchestration('child'))?.status === 'Running', 'the child to run');
      await hub.terminate(id, 'all of it', { recursive: true });
      expect(await hub.waitForCompletion('child')).toMatchObject({ status: 'Terminated', output: 'all of it' });
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Terminated', output: 'all of it' });
    });
  });

  describe('external events', () => {
    it('delivers an event raised before the orchestration started', async () => {
      const id = await hub.startOrchestration({ name: 'Approval' });
      await hub.raiseEvent(id, 'Approve', '{"ok":true}');
      startWorker({ orchestrators: { Approval: waitForEvent('Approve') } });
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '{"ok":true}' });
    });

    it('delivers an event raised while the orchestration waits', async () => {
      const w = startWorker({ orchestrators: { Approval: waitForEvent('Approve') } });
      const id = await hub.startOrchestration({ name: 'Approval' });
      await waitFor(async () => w.taken.length === 1 && (await hub.getOrchestration(id))?.status === 'Running', 'the first episode');
      expect((await hub.getOrchestration(id))?.status).toBe('Running');
      await hub.raiseEvent(id, 'Approve', '7');
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '7' });
    });

    it('holds events for a scheduled start until it starts', async () => {
      startWorker({ orchestrators: { Approval: waitForEvent('Approve') } });
      const id = await hub.startOrchestration({ name: 'Approval', scheduledStartAt: isoTime(now() + LATER) });
      await hub.raiseEvent(id, 'Approve', '1');
      await settled();
      expect((await hub.getOrchestration(id))?.status).toBe('Pending');
      await passTime(LATER);
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '1' });
    });

    it('answers 404 and 410 cases with typed errors', async () => {
      startWorker({ orchestrators: { Quick: () => [complete(0)] } });
      await expect(hub.raiseEvent('nope', 'E')).rejects.toBeInstanceOf(InstanceNotFoundError);
      const id = await hub.startOrchestration({ name: 'Quick' });
      await hub.waitForCompletion(id);
      await expect(hub.raiseEvent(id, 'E')).rejects.toBeInstanceOf(InvalidInstanceStateError);
      await expect(hub.terminate(id)).rejects.toBeInstanceOf(InvalidInstanceStateError);
      await expect(hub.suspend(id)).rejects.toBeInstanceOf(InvalidInstanceStateError);
    });
  });

  describe('terminate, suspend and resume', () => {
    it('terminates a waiting orchestration without running it: reason as output', async () => {
      startWorker({ orchestrators: { Approval: waitForEvent('Approve') } });
      const id = await hub.startOrchestration({ name: 'Approval' });
      await hub.terminate(id, 'no longer needed');
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Terminated', output: 'no longer needed' });
    });

    it('records events while suspended and runs no episode until resumed', async () => {
      const w = startWorker({ orchestrators: { Approval: waitForEvent('Approve') } });
      const id = await hub.startOrchestration({ name: 'Approval' });
      await waitFor(async () => w.taken.length === 1 && (await hub.getOrchestration(id))?.status === 'Running', 'the first episode');
      await hub.suspend(id, 'hold on');
      await waitFor(async () => (await hub.getOrchestration(id))?.status === 'Suspended', 'the suspension');
      await hub.raiseEvent(id, 'Approve', '"yes"');
      await waitFor(async () => (await historyOf(id)).some((e) => e.type === 'eventRaised'), 'the event to be recorded');
      expect((await hub.getOrchestration(id))?.status).toBe('Suspended');
      expect(w.taken).toHaveLength(1);

      await hub.resume(id, 'go on');
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '"yes"' });
      const resumedEpisode = w.taken[1] as OrchestratorWorkItem;
      expect(resumedEpisode.newEvents.map((e) => e.type)).toEqual(['orchestratorStarted', 'executionResumed']);
    });

    // The extension's DurableClient.SuspendAsync/ResumeAsync refuse these and log the reason with the instance id.
    it('refuses to suspend a Suspended instance and to resume a Running one, and logs why', async () => {
      startWorker({ orchestrators: { Approval: waitForEvent('Approve') } });
      const id = await hub.startOrchestration({ name: 'Approval', instanceId: 'held' });
      await waitFor(async () => (await hub.getOrchestration(id))?.status === 'Running', 'the first episode');
      await expect(hub.resume(id)).rejects.toThrow(new OperationNotApplicableError(id, 'Running', 'resume'));
      await hub.suspend(id);
      await waitFor(async () => (await hub.getOrchestration(id))?.status === 'Suspended', 'the suspension');
      await expect(hub.suspend(id)).rejects.toMatchObject({ name: 'OperationNotApplicableError', message: 'Cannot suspend orchestration instance in the Suspended state.' });
      if (target.logs) {
        expect(target.logs).toEqual(
          expect.arrayContaining([
            "warn: Instance 'held' of 'Approval': Cannot resume orchestration instance in the Running state.",
            "warn: Instance 'held' of 'Approval': Cannot suspend orchestration instance in the Suspended state.",
          ]),
        );
      }
      await hub.terminate(id);
      await hub.waitForCompletion(id);
      await expect(hub.suspend(id)).rejects.toBeInstanceOf(InvalidInstanceStateError);
    });
  });

  describe('rewind and restart', () => {
    it('rewinds a failed orchestration: the failed activity runs again under its task id and the orchestration completes', async () => {
      let attempts = 0;
      const w = startWorker({
        orchestrators: {
          Flaky: ({ history }) => {
            if (!scheduled(history, 0)) return [{ type: 'scheduleTask', id: 0, name: 'Flaky' }];
            const answer = answers(history).get(0);
            if (answer?.type === 'taskFailed') return [fail(1, answer.failureDetails.errorMessage)];
            return answer ? [complete(1, resultOf(answer))] : [];
          },
        },
        activities: {
          Flaky: () => {
            attempts++;
            if (attempts === 1) throw new Error('transient');
            return '"ok"';
          },
        },
      });
      const id = await hub.startOrchestration({ name: 'Flaky' });
      expect((await hub.waitForCompletion(id))?.status).toBe('Failed');
      await expect(hub.rewind('nope')).rejects.toBeInstanceOf(InstanceNotFoundError);

      await hub.rewind(id, 'fixed it');
      await waitFor(async () => (await hub.getOrchestration(id))?.status === 'Completed', 'the rewound instance to complete');
      expect(await stateOf(id)).toMatchObject({ output: '"ok"', failureDetails: undefined });
      const reruns = w.taken.filter((item) => item.kind === 'activity');
      expect(reruns.map((item) => item.kind === 'activity' && item.taskId)).toEqual([0, 0]);
      await expect(hub.rewind(id)).rejects.toBeInstanceOf(InvalidInstanceStateError);
    });

    it('restarts with the same input, under the same id or a new one', async () => {
      startWorker({ orchestrators: { Echo: ({ input }) => [complete(0, input)] } });
      const id = await hub.startOrchestration({ name: 'Echo', instanceId: 'echo', input: '"again"' });
      const first = await hub.waitForCompletion(id);
      expect(await hub.restart(id)).toBe('echo');
      const second = await waitFor(async () => {
        const state = await hub.getOrchestration(id);
        return state?.executionId !== first?.executionId && state?.status === 'Completed' && state;
      }, 'the restarted execution');
      expect(second.output).toBe('"again"');
      const fresh = await hub.restart(id, { newInstanceId: true });
      expect(fresh).not.toBe('echo');
      expect(await hub.waitForCompletion(fresh)).toMatchObject({ output: '"again"' });
      await expect(hub.restart('nope')).rejects.toBeInstanceOf(InstanceNotFoundError);
    });
  });

  describe('purge and queries', () => {
    it('purges finished instances only', async () => {
      startWorker({ orchestrators: { Quick: () => [complete(0)], Approval: waitForEvent('Go') } });
      const done = await hub.startOrchestration({ name: 'Quick', instanceId: 'done' });
      await hub.waitForCompletion(done);
      await hub.startOrchestration({ name: 'Approval', instanceId: 'busy' });
      await expect(hub.purge('busy')).rejects.toBeInstanceOf(InvalidInstanceStateError);
      expect(await hub.purge('done')).toBe(1);
      expect(await hub.getOrchestration('done')).toBeUndefined();
      expect(await hub.purge('done')).toBe(0);
    });

    it('purges an entity whatever its state, named in any casing; 0 for one that never existed', async () => {
      startWorker({ entities: { counter: (state) => ({ state: String(Number(state ?? '0') + 1) }) } });
      await hub.signalEntity('@counter@myEntity', 'add');
      await waitFor(async () => (await hub.getEntity('@counter@myEntity'))?.state === '1', 'the entity');
      expect(await hub.purge('@Counter@myEntity')).toBe(1);
      expect(await hub.getEntity('@counter@myEntity')).toBeUndefined();
      expect(await hub.purge('@counter@myEntity')).toBe(0);
    });

    it('purges by filter', async () => {
      const startedAt = now();
      startWorker({ orchestrators: { Quick: () => [complete(0)] } });
      for (const id of ['a', 'b']) await hub.waitForCompletion(await hub.startOrchestration({ name: 'Quick', instanceId: id }));
      expect(await hub.purgeBy({ createdFrom: isoTime(startedAt - 1) })).toBe(2);
    });

    it('queries orchestrations by status and id prefix, without entities', async () => {
      startWorker({ orchestrators: { Quick: () => [complete(0)], Approval: waitForEvent('Go') }, entities: { counter: () => ({ state: '1' }) } });
      await hub.waitForCompletion(await hub.startOrchestration({ name: 'Quick', instanceId: 'job-1' }));
      await hub.startOrchestration({ name: 'Approval', instanceId: 'job-2' });
      await hub.startOrchestration({ name: 'Approval', instanceId: 'other' });
      await hub.signalEntity('@counter@x', 'add');
      await waitFor(async () => (await hub.getEntity('@counter@x')) !== undefined, 'the entity');
      await waitFor(async () => (await hub.queryOrchestrations({ statuses: ['Running'] })).items.length === 2, 'two running');

      const jobs = await hub.queryOrchestrations({ instanceIdPrefix: 'job-' });
      expect(jobs.items.map((s) => s.instanceId).sort()).toEqual(['job-1', 'job-2']);
      const completed = await hub.queryOrchestrations({ statuses: ['Completed'] });
      expect(completed.items.map((s) => s.instanceId)).toEqual(['job-1']);
      const all = await hub.queryOrchestrations({});
      expect(all.items.some((s) => s.instanceId.startsWith('@'))).toBe(false);
    });

    it('filters by the one rule of every backend: an empty status list narrows nothing, a time that does not parse is refused before anything is purged', async () => {
      startWorker({ orchestrators: { Quick: () => [complete(0)] } });
      for (const id of ['f-1', 'f-2']) await hub.waitForCompletion(await hub.startOrchestration({ name: 'Quick', instanceId: id }));
      const ids = async (query: Parameters<TaskHub['queryOrchestrations']>[0]) => (await hub.queryOrchestrations(query)).items.map((s) => s.instanceId).sort();
      expect(await ids({ statuses: [] })).toEqual(['f-1', 'f-2']);
      expect(await ids({ statuses: [], instanceIdPrefix: 'f-2' })).toEqual(['f-2']);
      for (const createdFrom of ['yesterday', '', '2024-02-30T00:00:00Z']) {
        await expect(hub.queryOrchestrations({ createdFrom })).rejects.toThrow(RangeError);
        await expect(hub.queryOrchestrations({ createdFrom })).rejects.toThrow(`createdFrom '${createdFrom}'`);
        await expect(hub.purgeBy({ createdFrom })).rejects.toThrow(`createdFrom '${createdFrom}'`);
      }
      await expect(hub.purgeBy({ name: 'Quick', createdTo: 'now' })).rejects.toThrow(`createdTo 'now'`);
      if (hub.countOrchestrations) await expect(hub.countOrchestrations({ createdTo: 'now' })).rejects.toThrow(`createdTo 'now'`);
      expect(await ids({})).toEqual(['f-1', 'f-2']);
      expect(await hub.purgeBy({ statuses: [] })).toBe(2);
    });
  });

  describe('entities', () => {
    const counter = (state: string | undefined, operation: string, input: string | undefined) => {
      const value = Number(state ?? '0');
      switch (operation) {
        case 'add':
          return { state: String(value + Number(input ?? '1')) };
        case 'get':
          return { state, result: String(value) };
        case 'delete':
          return { state: undefined };
        case 'fail':
          throw new Error('counter says no');
        default:
          throw new Error(`unknown operation ${operation}`);
      }
    };

    it('runs signals, answers reads and lists entities', async () => {
      startWorker({ entities: { counter } });
      await hub.signalEntity('@Counter@a', 'add', '5');
      await hub.signalEntity('@counter@a', 'add', '2');
      await hub.signalEntity('@counter@b', 'add');
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.state === '7', 'both signals on a');
      expect(await entityOf('@counter@a')).toMatchObject({ name: 'counter', key: 'a', backlogQueueSize: 0, lockedBy: undefined });
      await waitFor(async () => (await hub.getEntity('@counter@b'))?.state === '1', 'the signal on b');
      const listed = await hub.queryEntities({ instanceIdPrefix: '@counter@', includeState: false });
      expect(listed.items.map((e) => [e.instanceId, e.state])).toEqual([
        ['@counter@a', undefined],
        ['@counter@b', undefined],
      ]);
      expect(await hub.getEntity('@counter@none')).toBeUndefined();
    });

    it('delivers a scheduled signal at its time', async () => {
      startWorker({ entities: { counter } });
      await hub.signalEntity('@counter@later', 'add', '3', { scheduledTime: isoTime(now() + LATER) });
      await settled();
      expect(await hub.getEntity('@counter@later')).toBeUndefined();
      await passTime(LATER);
      await waitFor(async () => (await hub.getEntity('@counter@later'))?.state === '3', 'the scheduled signal');
    });

    it('locks entities for a critical section: others wait, the holder calls them, then the lock is released', async () => {
      const lockSet = ['@counter@a', '@counter@b'];
      const transfer = ({ instanceId, executionId, history }: EpisodeView): OrchestratorAction[] => {
        if (!scheduled(history, 0)) {
          return [{ type: 'sendEntityMessage', id: 0, message: { type: 'entityLockRequested', criticalSectionId: 'cs-1', lockSet, position: 0, parentInstanceId: instanceId } }];
        }
        if (!history.some((e) => e.type === 'entityLockGranted') || !raised(history, 'Go')) return [];
        const call = (id: number, target: string, operation: string, input?: string): OrchestratorAction => ({
          type: 'sendEntityMessage',
          id,
          message: { type: 'entityOperationCalled', requestId: `r${id}`, operation, input, parentInstanceId: instanceId, parentExecutionId: executionId, targetInstanceId: target },
        });
        if (!scheduled(history, 1)) return [call(1, '@counter@a', 'add', '-10'), call(2, '@counter@b', 'add', '10')];
        const answered = history.filter((e) => e.type === 'entityOperationCompleted').length;
        if (answered < 2) return [];
        if (!scheduled(history, 3)) return [call(3, '@counter@a', 'get')];
        const read = history.find((e): e is Extract<HistoryEvent, { type: 'entityOperationCompleted' }> => e.type === 'entityOperationCompleted' && e.requestId === 'r3');
        if (!read) return [];
        const unlock = (id: number, target: string): OrchestratorAction => ({
          type: 'sendEntityMessage',
          id,
          message: { type: 'entityUnlockSent', criticalSectionId: 'cs-1', parentInstanceId: instanceId, targetInstanceId: target },
        });
        return [unlock(4, '@counter@a'), unlock(5, '@counter@b'), complete(6, read.output)];
      };
      startWorker({ orchestrators: { Transfer: transfer }, entities: { counter } });
      await hub.signalEntity('@counter@a', 'add', '100');
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.state === '100', 'the first deposit');

      const id = await hub.startOrchestration({ name: 'Transfer', instanceId: 'transfer' });
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.lockedBy === id, 'the lock on a');
      expect(await hub.getEntity('@counter@b')).toBeUndefined(); // locked, but without state until an operation runs

      // Inside the critical section, a stranger's signal waits in the queue.
      await hub.signalEntity('@counter@a', 'add', '1');
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.backlogQueueSize === 1, 'the signal to queue up');
      expect((await hub.getEntity('@counter@a'))?.state).toBe('100');

      await hub.raiseEvent(id, 'Go');
      // The holder's read ran before the queued signal: 100 - 10 = 90.
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '90' });
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.state === '91', 'the queued signal after the unlock');
      expect(await entityOf('@counter@a')).toMatchObject({ backlogQueueSize: 0, lockedBy: undefined });
      expect(await entityOf('@counter@b')).toMatchObject({ state: '10', lockedBy: undefined });
    });

    it('serializes concurrent critical sections over the same two entities without a lost update', async () => {
      const lockSet = ['@counter@x', '@counter@y'];
      // Reads both counters under the lock, then writes back x - 1 and y + 1 (a read-modify-write across entities).
      const move = ({ instanceId, executionId, history }: EpisodeView): OrchestratorAction[] => {
        const call = (id: number, target: string, operation: string, input?: string): OrchestratorAction => ({
          type: 'sendEntityMessage',
          id,
          message: { type: 'entityOperationCalled', requestId: `${instanceId}-${id}`, operation, input, parentInstanceId: instanceId, parentExecutionId: executionId, targetInstanceId: target },
        });
        const response = (id: number) =>
          history.find((e): e is Extract<HistoryEvent, { type: 'entityOperationCompleted' }> => e.type === 'entityOperationCompleted' && e.requestId === `${instanceId}-${id}`);
        if (!scheduled(history, 0)) {
          return [{ type: 'sendEntityMessage', id: 0, message: { type: 'entityLockRequested', criticalSectionId: `${instanceId}-cs`, lockSet, position: 0, parentInstanceId: instanceId } }];
        }
        if (!history.some((e) => e.type === 'entityLockGranted')) return [];
        if (!scheduled(history, 1)) return [call(1, '@counter@x', 'get'), call(2, '@counter@y', 'get')];
        const [x, y] = [response(1), response(2)];
        if (!x || !y) return [];
        if (!scheduled(history, 3)) return [call(3, '@counter@x', 'set', String(Number(x.output) - 1)), call(4, '@counter@y', 'set', String(Number(y.output) + 1))];
        if (!response(3) || !response(4)) return [];
        const unlock = (id: number, target: string): OrchestratorAction => ({
          type: 'sendEntityMessage',
          id,
          message: { type: 'entityUnlockSent', criticalSectionId: `${instanceId}-cs`, parentInstanceId: instanceId, targetInstanceId: target },
        });
        return [unlock(5, '@counter@x'), unlock(6, '@counter@y'), complete(7)];
      };
      const register = (state: string | undefined, operation: string, input: string | undefined) =>
        operation === 'set' ? { state: input } : { state, result: state ?? '0' };
      startWorker({ orchestrators: { Move: move }, entities: { counter: register } });
      const ids = await Promise.all(Array.from({ length: SECTIONS }, (_, i) => hub.startOrchestration({ name: 'Move', instanceId: `move-${i}` })));
      for (const id of ids) expect((await hub.waitForCompletion(id))?.status).toBe('Completed');
      // The last section's unlock messages are sent by its final commit and reach the entities after it completes.
      for (const key of lockSet) await waitFor(async () => (await entityOf(key))?.lockedBy === undefined, `${key} to be unlocked`);
      expect(await entityOf('@counter@x')).toMatchObject({ state: String(-SECTIONS), backlogQueueSize: 0, lockedBy: undefined });
      expect(await entityOf('@counter@y')).toMatchObject({ state: String(SECTIONS), backlogQueueSize: 0, lockedBy: undefined });
    });

    it('releases the locks of an orchestration that is terminated inside its critical section', async () => {
      startWorker({
        orchestrators: {
          Hold: ({ instanceId, history }) =>
            scheduled(history, 0)
              ? []
              : [{ type: 'sendEntityMessage', id: 0, message: { type: 'entityLockRequested', criticalSectionId: 'cs', lockSet: ['@counter@z'], position: 0, parentInstanceId: instanceId } }],
        },
        entities: { counter },
      });
      const id = await hub.startOrchestration({ name: 'Hold' });
      await waitFor(async () => (await historyOf(id)).some((e) => e.type === 'entityLockGranted'), 'the lock');
      await hub.signalEntity('@counter@z', 'add', '4');
      await hub.terminate(id, 'stop');
      await waitFor(async () => (await hub.getEntity('@counter@z'))?.state === '4', 'the waiting signal to run after the release');
      expect((await hub.getEntity('@counter@z'))?.lockedBy).toBeUndefined();
    });

    it('cleans entity storage: removes empty entities and releases locks whose holder has finished', async () => {
      /** Takes the locks and keeps them (a terminate before the grant leaves the ones already taken orphaned). */
      const holdLocks = (lockSet: string[]) => ({ instanceId, history }: EpisodeView): OrchestratorAction[] =>
        scheduled(history, 0)
          ? []
          : [{ type: 'sendEntityMessage', id: 0, message: { type: 'entityLockRequested', criticalSectionId: `${instanceId}-cs`, lockSet, position: 0, parentInstanceId: instanceId } }];
      startWorker({ orchestrators: { HoldB: holdLocks(['@counter@b']), GrabAB: holdLocks(['@counter@a', '@counter@b']) }, entities: { counter } });

      // An entity whose state was deleted is empty; one with state is not.
      await hub.signalEntity('@counter@gone', 'add');
      await waitFor(async () => (await hub.getEntity('@counter@gone'))?.state === '1', 'the entity to exist');
      await hub.signalEntity('@counter@gone', 'delete');
      await waitFor(async () => (await hub.getEntity('@counter@gone')) === undefined, 'the entity to be deleted');
      await hub.signalEntity('@counter@a', 'add');
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.state === '1', 'the entity a');

      // HoldB keeps b; GrabAB takes a, waits for b behind HoldB, and is terminated before its grant: a is orphaned.
      const holder = await hub.startOrchestration({ name: 'HoldB' });
      await waitFor(async () => (await historyOf(holder)).some((e) => e.type === 'entityLockGranted'), 'the lock on b');
      const grabber = await hub.startOrchestration({ name: 'GrabAB' });
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.lockedBy === grabber, 'the lock on a');
      await hub.terminate(grabber, 'gave up');
      expect((await hub.waitForCompletion(grabber))?.status).toBe('Terminated');
      await hub.signalEntity('@counter@a', 'add', '10');
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.backlogQueueSize === 1, 'the signal to queue behind the orphaned lock');
      expect(await hub.getEntity('@counter@a')).toMatchObject({ state: '1', lockedBy: grabber });

      // b is stateless but locked by a running orchestration: neither removed nor released.
      expect(await hub.cleanEntityStorage({ removeEmptyEntities: false, releaseOrphanedLocks: true })).toEqual({ emptyEntitiesRemoved: 0, orphanedLocksReleased: 1 });
      await waitFor(async () => (await hub.getEntity('@counter@a'))?.state === '11', 'the queued signal after the release');
      expect(await entityOf('@counter@a')).toMatchObject({ backlogQueueSize: 0, lockedBy: undefined });
      expect(await hub.cleanEntityStorage({ removeEmptyEntities: true, releaseOrphanedLocks: false })).toEqual({ emptyEntitiesRemoved: 1, orphanedLocksReleased: 0 });
      expect(await hub.cleanEntityStorage({ removeEmptyEntities: true, releaseOrphanedLocks: true })).toEqual({ emptyEntitiesRemoved: 0, orphanedLocksReleased: 0 });
      expect((await hub.getOrchestration(holder))?.status).toBe('Running');
    });

    it('answers a failing call with entityOperationFailed', async () => {
      startWorker({
        orchestrators: {
          Caller: ({ instanceId, executionId, history }) => {
            if (!scheduled(history, 0)) {
              return [{ type: 'sendEntityMessage', id: 0, message: { type: 'entityOperationCalled', requestId: 'q', operation: 'fail', parentInstanceId: instanceId, parentExecutionId: executionId, targetInstanceId: '@counter@f' } }];
            }
            const failed = history.find((e): e is Extract<HistoryEvent, { type: 'entityOperationFailed' }> => e.type === 'entityOperationFailed');
            return failed ? [fail(1, failed.failureDetails.errorMessage)] : [];
          },
        },
        entities: { counter },
      });
      const id = await hub.startOrchestration({ name: 'Caller' });
      expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Failed', failureDetails: { errorMessage: 'counter says no' } });
    });
  });

    describe('the work source', () => {
      it('hands an orchestrator work item only to a caller that asks for orchestrator work', async () => {
        startWorker({ activities: { Hello: hello } }, ['activity']);
        const id = await hub.startOrchestration({ name: 'Sequence' });
        // The activity-only worker did not take the instance: an orchestrator request still gets it.
        const item = await hub.nextWorkItem(new Set(['orchestrator']), AbortSignal.timeout(30_000));
        expect(item).toMatchObject({ kind: 'orchestrator', instanceId: id });
        await hub.abandonWorkItem(item!, 'test done');
      });

      it('gives back a work item its worker abandoned (a crash), and delivers it again after the backoff', async () => {
        const id = await hub.startOrchestration({ name: 'Quick' });
        const first = await hub.nextWorkItem(new Set(['orchestrator']));
        expect(first).toMatchObject({ kind: 'orchestrator', instanceId: id });
        await hub.abandonWorkItem(first!, 'worker crashed');
        if (target.logs) expect(target.logs.join('\n')).toMatch(/was given back \(worker crashed\); it runs again in 1 s/);
        startWorker({ orchestrators: { Quick: () => [complete(0, '"second try"')] } });
        if (target.clock) {
          await settled();
          expect((await hub.getOrchestration(id))?.status).toBe('Pending');
        }
        await passTime(1000);
        expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '"second try"' });
      });

      it('gives back held work items on stop, so the next hub on the same storage runs them', async () => {
        const id = await hub.startOrchestration({ name: 'Quick' });
        const held = await hub.nextWorkItem(new Set(['orchestrator']));
        expect(held?.instanceId).toBe(id);
        await hub.stop();
        await expect(hub.completeOrchestratorWorkItem({ instanceId: id, actions: [], completionToken: held!.completionToken })).rejects.toThrow();

        const next = await target.reopen();
        startWorker({ orchestrators: { Quick: () => [complete(0, '"rerun"')] } }, undefined, next);
        expect(await next.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '"rerun"' });
      });

      if (capabilities.loseLock ?? true) it('drops a result whose lock was lost instead of failing the worker', async () => {
        const id = await hub.startOrchestration({ name: 'Quick' });
        const held = await hub.nextWorkItem(new Set(['orchestrator']));
        await target.loseLock!(held!);
        await hub.completeOrchestratorWorkItem({ instanceId: id, actions: [complete(0)], completionToken: held!.completionToken });
        if (target.logs) expect(target.logs.join('\n')).toMatch(new RegExp(`warn: Lost the lock on '${id}'`));
        expect((await hub.getOrchestration(id))?.status).not.toBe('Completed');
      });

      it('ends nextWorkItem with undefined when the caller aborts', async () => {
        const controller = new AbortController();
        const next = hub.nextWorkItem(new Set(['orchestrator']), controller.signal);
        controller.abort();
        expect(await next).toBeUndefined();
      });

      it('ends waitForCompletion with undefined when the caller aborts', async () => {
        await hub.startOrchestration({ name: 'Never', instanceId: 'never' });
        const controller = new AbortController();
        const wait = hub.waitForCompletion('never', controller.signal);
        controller.abort();
        expect(await wait).toBeUndefined();
      });
    });
  });
}
