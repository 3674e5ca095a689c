// The backend conformance suite (ARCHITECTURE.md "One Backend interface, one conformance suite"): every promise
// of src/backends/backend.ts, written once and run against every backend. A backend feature that is not
// checked here does not exist.
//
//   describeBackendConformance('memory', async () => {
//     const clock = new ManualClock();
//     return { backend: new MemoryBackend({ clock }), clock, cleanup: async () => {} };
//   });
//
// `setup` runs before every test and must return a started backend with nothing stored. With a ManualClock the
// suite moves time itself; without one (real-time backends) it waits, bounded, through delays of a few seconds.

import type { InstanceRecord, ManualClock, RuntimeStatus } from '../../src/core';
import { InstanceExistsError, LockLostError, type Backend, type InstanceQuery, type InstanceWorkItem } from '../../src/backends';
import { BackendDriver, commitOf } from './backend-driver';
import {
  activityResult,
  activityTask,
  entityRecord,
  entitySignal,
  eventsOf,
  iso,
  newExecutionId,
  orchestrationRecord,
  orchestratorStarted,
  raisedEvent,
  sent,
  startMessage,
  taskScheduled,
  timerCreated,
  timerFiredMessage,
} from './durable-fixtures';

export interface ConformanceTarget {
  backend: Backend;
  /** The backend's clock, when the suite may move it; `undefined` for backends that run on real time. */
  clock?: ManualClock;
  /** Removes what setup created (tables, queues, processes). */
  cleanup(): Promise<void>;
  /**
   * Real-time backends only: how long "nothing is handed out" must hold (default 1000 ms), and the visibility
   * delay the suite uses (default 3000 ms, whole seconds because Azure Queues count visibility in seconds).
   */
  realTime?: { quietPeriodMs: number; delayMs: number };
  /** What the backend does beyond the interface's minimum; the suite then checks more. */
  capabilities?: {
    /**
     * Messages are visible to lockNextInstance as soon as sendMessages resolves (no background prefetch), so one
     * work item must carry every message already sent to its instance.
     */
    immediateDelivery?: boolean;
    /** Makes the backend lose a handed-out work item's lock the way it can in production (lease expiry, partition moved). */
    loseLock?(item: InstanceWorkItem): Promise<void>;
  };
}

const NO_REPLACE = { replaceableStatuses: [] };
const TERMINAL: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
/** A fixed creation-time origin for query and purge cases, so ranges do not depend on the clock. */
const T0 = Date.UTC(2024, 1, 1);
/** T0 plus whole seconds. */
const at = (seconds: number) => T0 + seconds * 1000;

export function describeBackendConformance(name: string, setup: () => Promise<ConformanceTarget>): void {
  describe(`${name} backend conformance`, () => {
    let target: ConformanceTarget;
    let backend: Backend;
    let d: BackendDriver;

    beforeEach(async () => {
      target = await setup();
      backend = target.backend;
      d = new BackendDriver(target);
    });

    afterEach(async () => {
      await d?.releaseAll();
      await target?.cleanup();
    });

    /** Creates `record` and returns its first work item (the start). */
    async function createAndLock(record: InstanceRecord): Promise<InstanceWorkItem> {
      await backend.createInstance(record, startMessage(record), NO_REPLACE);
      return d.lockInstance(`the start of '${record.instanceId}'`);
    }

    /** Creates `record` and runs its first episode, leaving it with `fields` (status Running by default). */
    async function started(record: InstanceRecord, fields: Partial<InstanceRecord> = {}): Promise<InstanceRecord> {
      const item = await createAndLock(record);
      const updated: InstanceRecord = { ...record, status: 'Running', lastUpdatedAt: iso(d.now()), ...fields };
      const history = [orchestratorStarted(d.now()), ...eventsOf(item.messages)];
      await backend.completeInstance(item, commitOf(item, { instance: updated, history: { append: history } }));
      return updated;
    }

    /** Stores records as the engine would: orchestrations via createInstance, entities via a first signal. */
    async function store(records: InstanceRecord[]): Promise<void> {
      for (const record of records) {
        if (record.entity) await backend.sendMessages([entitySignal(record.instanceId, 'add', d.now())]);
        else await backend.createInstance({ ...record, status: 'Pending' }, startMessage(record), NO_REPLACE);
      }
      const byId = new Map(records.map((record) => [record.instanceId, record]));
      await d.processEach([...byId.keys()], (item) =>
        backend.completeInstance(item, commitOf(item, { instance: byId.get(item.instanceId)!, history: { append: eventsOf(item.messages) } })),
      );
    }

    /** Every instance the query finds, following continuation tokens; fails if an instance comes twice. */
    async function queryAll(query: InstanceQuery): Promise<InstanceRecord[]> {
      const found: InstanceRecord[] = [];
      let continuationToken: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const result = await backend.queryInstances({ ...query, continuationToken });
        if (query.pageSize !== undefined) expect(result.instances.length).toBeLessThanOrEqual(query.pageSize);
        found.push(...result.instances);
        continuationToken = result.continuationToken;
        if (continuationToken === undefined) {
          const ids = found.map((r) => r.instanceId);
          expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
          return found;
        }
      }
      throw new Error('The query still returned a continuation token after 1000 pages');
    }

    async function idsOf(query: InstanceQuery): Promise<string[]> {
      return (await queryAll(query)).map((r) => r.instanceId).sort();
    }

    /** The ids in the order the pages returned them. */
    async function idsInOrder(query: InstanceQuery): Promise<string[]> {
      return (await queryAll(query)).map((r) => r.instanceId);
    }

    describe('client operations', () => {
      it('createInstance stores the record and puts its start message in the inbox', async () => {
        const record = orchestrationRecord('create-1', d.now());
        const start = startMessage(record);
        await backend.createInstance(record, start, NO_REPLACE);

        expect(await backend.getInstance('create-1')).toEqual(record);
        expect(await backend.getHistory('create-1')).toEqual([]);
        const item = await d.lockInstance('the start');
        expect(item).toMatchObject({ instanceId: 'create-1', instance: record, history: [], lockToken: expect.any(String) });
        expect(item.messages.map(sent)).toEqual([sent(start)]);
        expect(item.messages[0]).toMatchObject({ messageId: expect.any(String), dequeueCount: 1 });
      });

      it('knows nothing of ids it never stored', async () => {
        expect(await backend.getInstance('never-created')).toBeUndefined();
        expect(await backend.getHistory('never-created')).toEqual([]);
        await d.expectNoInstance('nothing was sent');
        await d.expectNoActivity('nothing was scheduled');
      });

      it('createInstance refuses an existing instance whose status is not replaceable, and changes nothing', async () => {
        const first = orchestrationRecord('dup-1', d.now());
        await backend.createInstance(first, startMessage(first), NO_REPLACE);
        const second = orchestrationRecord('dup-1', d.now(), { input: '"second"' });

        const refusal = backend.createInstance(second, startMessage(second), { replaceableStatuses: TERMINAL });
        await expect(refusal).rejects.toThrow(InstanceExistsError);
        await expect(refusal).rejects.toMatchObject({ instanceId: 'dup-1', status: 'Pending' });
        expect(await backend.getInstance('dup-1')).toEqual(first);
        const item = await d.lockInstance('the first start only');
        expect(item.messages.map(sent)).toEqual([sent(startMessage(first))]);
      });

      it('createInstance refuses a running instance when only terminal statuses are replaceable', async () => {
        const running = await started(orchestrationRecord('dup-2', d.now()));
        const again = orchestrationRecord('dup-2', d.now());
        const refusal = backend.createInstance(again, startMessage(again), { replaceableStatuses: TERMINAL });
        await expect(refusal).rejects.toMatchObject({ name: 'InstanceExistsError', instanceId: 'dup-2', status: 'Running' });
        expect(await backend.getInstance('dup-2')).toEqual(running);
        await d.expectNoInstance('the refused start was not enqueued');
      });

      it('createInstance replaces an instance in a replaceable status with a new execution', async () => {
        const first = await started(orchestrationRecord('restart-1', d.now()), { status: 'Completed', output: '"done"' });
        expect(await backend.getHistory('restart-1')).not.toEqual([]);
        const second = orchestrationRecord('restart-1', d.now(), { input: '"again"' });
        expect(second.executionId).not.toBe(first.executionId);

        await backend.createInstance(second, startMessage(second), { replaceableStatuses: TERMINAL });
        expect(await backend.getInstance('restart-1')).toEqual(second);
        expect(await backend.getHistory('restart-1')).toEqual([]);
        const item = await d.lockInstance('the new start');
        expect(item).toMatchObject({ instance: second, history: [] });
        expect(item.messages.map(sent)).toEqual([sent(startMessage(second))]);
      });

      it('sendMessages delivers to existing instances and to ids never seen, each in its own work item', async () => {
        const running = await started(orchestrationRecord('target-1', d.now()));
        const history = await backend.getHistory('target-1');
        const toExisting = raisedEvent('target-1', 'Approval', { ok: true }, d.now());
        const toStranger = raisedEvent('stray-1', 'Approval', 1, d.now());
        const toEntity = entitySignal('@counter@k1', 'add', d.now());
        await backend.sendMessages([toExisting, toStranger, toEntity]);

        const items = new Map<string, InstanceWorkItem>();
        await d.processEach(['target-1', 'stray-1', '@counter@k1'], async (item) => {
          items.set(item.instanceId, item);
          await d.completeUnchanged(item);
        });
        expect(items.get('target-1')).toMatchObject({ instance: running, history });
        expect(items.get('target-1')!.messages.map(sent)).toEqual([sent(toExisting)]);
        for (const [id, message] of [['stray-1', toStranger], ['@counter@k1', toEntity]] as const) {
          expect(items.get(id)!.instance).toBeUndefined();
          expect(items.get(id)).toMatchObject({ history: [], messages: [sent(message)] });
        }
      });

      it('copies data in and out: callers cannot change what is stored by mutating their objects', async () => {
        const record = orchestrationRecord('copy-1', d.now());
        const start = startMessage(record);
        const original = structuredClone({ record, start });
        await backend.createInstance(record, start, NO_REPLACE);
        record.input = '"mutated"';
        start.event.timestamp = 'mutated';
        (await backend.getInstance('copy-1'))!.status = 'Failed';
        expect(await backend.getInstance('copy-1')).toEqual(original.record);

        const item = await d.lockInstance('the start');
        expect(item.messages.map(sent)).toEqual([sent(original.start)]);
        const history = eventsOf(item.messages);
        await backend.completeInstance(item, commitOf(item, { history: { append: history } }));
        history[0].timestamp = 'mutated';
        history.push(orchestratorStarted(d.now()));
        (await backend.getHistory('copy-1')).pop();
        expect(await backend.getHistory('copy-1')).toEqual([original.start.event]);
      });
    });

    describe('instance work items', () => {
      it('never hands one instance to two callers at once', async () => {
        const ids = ['lock-a', 'lock-b', 'lock-c', 'lock-d', 'lock-e'];
        for (const record of ids.map((id) => orchestrationRecord(id, d.now()))) await backend.createInstance(record, startMessage(record), NO_REPLACE);
        const items = await Promise.all(ids.map(() => d.lockInstance('one of five starts')));
        expect(items.map((item) => item.instanceId).sort()).toEqual(ids);

        const events = new Map(ids.map((id) => [id, raisedEvent(id, 'Later', id, d.now())]));
        await backend.sendMessages([...events.values()]);
        await d.expectNoInstance('every instance with messages is locked');
        for (const item of items) await d.completeUnchanged(item);
        const next = await Promise.all(ids.map(() => d.lockInstance('one of five events')));
        expect(next.map((item) => item.instanceId).sort()).toEqual(ids);
        for (const item of next) expect(item.messages.map(sent)).toEqual([sent(events.get(item.instanceId)!)]);
      });

      it('hands out the messages of an instance together, in the order they were sent', async () => {
        const record = orchestrationRecord('batch-1', d.now());
        const start = startMessage(record);
        const events = [raisedEvent('batch-1', 'A', 1, d.now()), raisedEvent('batch-1', 'B', 2, d.now())];
        await backend.createInstance(record, start, NO_REPLACE);
        await backend.sendMessages(events);

        const items = await d.collectMessages('batch-1', 3);
        expect(items.flatMap((item) => item.messages.map(sent))).toEqual([start, ...events].map(sent));
        if (target.capabilities?.immediateDelivery) expect(items).toHaveLength(1);
        await d.expectNoInstance('every message was processed');
      });

      it('keeps messages that arrive during a lock for the next work item', async () => {
        const first = await createAndLock(orchestrationRecord('during-1', d.now()));
        const events = [raisedEvent('during-1', 'A', 1, d.now()), raisedEvent('during-1', 'B', 2, d.now())];
        await backend.sendMessages(events);
        await d.expectNoInstance('the instance is locked');

        await d.completeUnchanged(first);
        const items = await d.collectMessages('during-1', 2);
        expect(items.flatMap((item) => item.messages.map(sent))).toEqual(events.map(sent));
        if (target.capabilities?.immediateDelivery) expect(items).toHaveLength(1);
      });

      it('a waiting lockNextInstance picks up a message sent while it waits, and returns undefined when its signal aborts', async () => {
        const waiting = d.lockInstance('the message sent while waiting');
        const event = raisedEvent('wake-1', 'Now', 1, d.now());
        await backend.sendMessages([event]);
        expect((await waiting).messages.map(sent)).toEqual([sent(event)]);

        const controller = new AbortController();
        const aborted = backend.lockNextInstance(controller.signal);
        controller.abort();
        expect(await aborted).toBeUndefined();
      });

      it('complete appends history, writes the record, and removes the processed messages', async () => {
        const record = orchestrationRecord('commit-1', d.now());
        const item = await createAndLock(record);
        const episode1 = [orchestratorStarted(d.now()), ...eventsOf(item.messages)];
        const running: InstanceRecord = { ...record, status: 'Running', customStatus: '"step 1"', lastUpdatedAt: iso(d.now()) };
        await backend.completeInstance(item, commitOf(item, { instance: running, history: { append: episode1 } }));

        expect(await backend.getInstance('commit-1')).toEqual(running);
        expect(await backend.getHistory('commit-1')).toEqual(episode1);
        await d.expectNoInstance('the start was processed');

        const event = raisedEvent('commit-1', 'Approval', true, d.now());
        await backend.sendMessages([event]);
        const second = await d.lockInstance('the event');
        expect(second).toMatchObject({ instance: running, history: episode1 });
        const episode2 = [orchestratorStarted(d.now()), event.event];
        const completed: InstanceRecord = { ...running, status: 'Completed', output: '"approved"', completedAt: iso(d.now()) };
        await backend.completeInstance(second, commitOf(second, { instance: completed, history: { append: episode2 } }));
        expect(await backend.getInstance('commit-1')).toEqual(completed);
        expect(await backend.getHistory('commit-1')).toEqual([...episode1, ...episode2]);
      });

      it('complete can replace the whole history, as continue-as-new does', async () => {
        const running = await started(orchestrationRecord('can-1', d.now()));
        await backend.sendMessages([raisedEvent('can-1', 'Next', 1, d.now())]);
        const item = await d.lockInstance('the event');
        const next: InstanceRecord = { ...running, executionId: newExecutionId(), input: '2', lastUpdatedAt: iso(d.now()) };
        const fresh = [orchestratorStarted(d.now()), startMessage(next).event];
        await backend.completeInstance(item, commitOf(item, { instance: next, history: { replace: fresh } }));

        expect(await backend.getInstance('can-1')).toEqual(next);
        expect(await backend.getHistory('can-1')).toEqual(fresh);
        const event = raisedEvent('can-1', 'Again', 2, d.now());
        await backend.sendMessages([event]);
        expect(await d.lockInstance('an event for the new execution')).toMatchObject({ instance: next, history: fresh, messages: [sent(event)] });
      });

      it('complete sends outbound messages: to other instances at once, to itself when they become visible', async () => {
        const record = orchestrationRecord('timer-1', d.now());
        const item = await createAndLock(record);
        const fireAt = d.now() + d.delayMs;
        const running: InstanceRecord = { ...record, status: 'Running' };
        const history = [orchestratorStarted(d.now()), ...eventsOf(item.messages), timerCreated(0, fireAt, d.now())];
        const toOther = raisedEvent('other-1', 'Hello', 'from timer-1', d.now());
        const timer = timerFiredMessage(running, 0, fireAt, d.now());
        await backend.completeInstance(item, commitOf(item, { instance: running, history: { append: history }, messages: [toOther, timer] }));

        const other = await d.lockInstance('the event for the other instance');
        expect(other).toMatchObject({ instanceId: 'other-1', messages: [sent(toOther)] });
        await d.completeUnchanged(other);
        const fired = await d.lockInstanceAt(fireAt, 'the timer');
        expect(fired).toMatchObject({ instanceId: 'timer-1', instance: running, history, messages: [sent(timer)] });
        expect(fired.messages[0].dequeueCount).toBe(1);
      });

      it('keepMessageIds leave messages in the inbox: they ride along with the next work item but do not start one', async () => {
        const record = orchestrationRecord('keep-1', d.now());
        const first = await createAndLock(record);
        const running: InstanceRecord = { ...record, status: 'Running' };
        const keep = first.messages.map((m) => m.messageId);
        await backend.completeInstance(first, commitOf(first, { instance: running, keepMessageIds: keep }));
        await d.expectNoInstance('kept messages alone do not start a work item');

        const event = raisedEvent('keep-1', 'Resume', null, d.now());
        await backend.sendMessages([event]);
        const second = await d.lockInstance('the kept start with the new event');
        expect(second.messages.map((m) => m.messageId).slice(0, keep.length)).toEqual(keep);
        expect(second.messages.map(sent)).toEqual([sent(startMessage(record)), sent(event)]);
        await d.completeUnchanged(second);
        await d.expectNoInstance('nothing was kept this time');
      });

      it('abandonInstance returns the messages after the delay, unchanged, and counts each delivery', async () => {
        const record = orchestrationRecord('abandon-1', d.now());
        const first = await createAndLock(record);
        expect(first.messages.map((m) => m.dequeueCount)).toEqual([1]);
        const visibleAt = d.now() + d.delayMs;
        await backend.abandonInstance(first, d.delayMs);
        expect(await backend.getInstance('abandon-1')).toEqual(record);

        const second = await d.lockInstanceAt(visibleAt, 'the abandoned start');
        expect(second).toMatchObject({ instanceId: 'abandon-1', instance: record, history: [] });
        expect(second.messages.map((m) => [m.messageId, m.dequeueCount])).toEqual([[first.messages[0].messageId, 2]]);
        expect(second.messages.map(sent)).toEqual(first.messages.map(sent));
        await backend.abandonInstance(second);
        const third = await d.lockInstance('the start abandoned without delay');
        expect(third.messages.map((m) => m.dequeueCount)).toEqual([3]);
      });

      it('a commit without the lock throws LockLostError and changes nothing', async () => {
        const record = orchestrationRecord('lost-1', d.now());
        const item = await createAndLock(record);
        const running: InstanceRecord = { ...record, status: 'Running' };
        const history = [orchestratorStarted(d.now()), ...eventsOf(item.messages)];
        await backend.completeInstance(item, commitOf(item, { instance: running, history: { append: history } }));
        const late = (from: InstanceWorkItem) =>
          commitOf(from, {
            instance: { ...running, status: 'Completed' },
            history: { append: [orchestratorStarted(d.now())] },
            messages: [raisedEvent('elsewhere-1', 'Late', 1, d.now())],
            activities: [activityTask(running, taskScheduled(1, 'Late', undefined, d.now()))],
          });
        const unchanged = async (why: string) => {
          expect(await backend.getInstance('lost-1')).toEqual(running);
          expect(await backend.getHistory('lost-1')).toEqual(history);
          await d.expectNoInstance(why);
          await d.expectNoActivity(why);
        };

        await expect(backend.completeInstance(item, late(item))).rejects.toThrow(LockLostError);
        await unchanged('a second complete of the same work item');

        const event = raisedEvent('lost-1', 'Again', 1, d.now());
        await backend.sendMessages([event]);
        const abandoned = await d.lockInstance('the event');
        await backend.abandonInstance(abandoned);
        await expect(backend.completeInstance(abandoned, late(abandoned))).rejects.toThrow(LockLostError);
        const again = await d.lockInstance('the event of the abandoned work item');
        expect(again.messages.map(sent)).toEqual([sent(event)]);

        const loseLock = target.capabilities?.loseLock;
        if (loseLock) {
          await loseLock(again);
          await expect(backend.completeInstance(again, late(again))).rejects.toThrow(LockLostError);
          expect(await backend.getHistory('lost-1')).toEqual(history);
          const redelivered = await d.lockInstance('the event of the work item whose lock was lost');
          expect(redelivered.messages.map(sent)).toEqual([sent(event)]);
        }
      });
    });

    describe('activity work items', () => {
      /** Creates an orchestration whose first episode schedules `names` as activities; returns their tasks. */
      async function scheduleActivities(instanceId: string, names: string[]) {
        const record = orchestrationRecord(instanceId, d.now());
        const item = await createAndLock(record);
        const running: InstanceRecord = { ...record, status: 'Running' };
        const scheduled = names.map((name, i) => taskScheduled(i, name, JSON.stringify(name), d.now()));
        const history = [orchestratorStarted(d.now()), ...eventsOf(item.messages), ...scheduled];
        const tasks = scheduled.map((event) => activityTask(running, event));
        await backend.completeInstance(item, commitOf(item, { instance: running, history: { append: history }, activities: tasks }));
        return { running, history, tasks };
      }

      it('complete enqueues activities; completeActivity removes one and puts its result in the instance inbox', async () => {
        const { history, tasks } = await scheduleActivities('act-1', ['SayHello']);
        const lease = await d.lockActivity('the scheduled activity');
        expect(lease).toMatchObject({ task: tasks[0], messageId: expect.any(String), dequeueCount: 1, lockToken: expect.any(String) });
        await d.expectNoActivity('the only activity is leased');
        await d.expectNoInstance('the orchestration waits for its activity');

        const result = activityResult(tasks[0], '"Hello Tokyo!"', d.now());
        await backend.completeActivity(lease, result);
        const item = await d.lockInstance('the activity result');
        expect(item).toMatchObject({ instanceId: 'act-1', history, messages: [sent(result)] });
        await d.expectNoActivity('the activity was completed');

        await expect(backend.completeActivity(lease, result)).rejects.toThrow(LockLostError);
        await d.completeUnchanged(item);
        await d.expectNoInstance('the refused completion sent no result');
      });

      it('hands each activity to one caller at a time', async () => {
        const { tasks } = await scheduleActivities('act-2', ['A', 'B', 'C']);
        const leases = await Promise.all(tasks.map(() => d.lockActivity('one of three activities')));
        expect(new Set(leases.map((l) => l.messageId)).size).toBe(3);
        expect(leases.map((l) => l.task.event.name).sort()).toEqual(['A', 'B', 'C']);
        await d.expectNoActivity('all three are leased');
      });

      it('a waiting lockNextActivity picks up an activity scheduled while it waits, and returns undefined when its signal aborts', async () => {
        const waiting = d.lockActivity('the activity scheduled while waiting');
        const { tasks } = await scheduleActivities('act-3', ['Wake']);
        expect((await waiting).task).toEqual(tasks[0]);

        const controller = new AbortController();
        const aborted = backend.lockNextActivity(controller.signal);
        controller.abort();
        expect(await aborted).toBeUndefined();
      });

      it('abandonActivity makes the activity visible again after the delay and counts each delivery', async () => {
        const { tasks } = await scheduleActivities('act-4', ['Flaky']);
        const first = await d.lockActivity('the activity');
        const visibleAt = d.now() + d.delayMs;
        await backend.abandonActivity(first, d.delayMs);

        const second = await d.lockActivityAt(visibleAt, 'the abandoned activity');
        expect(second).toMatchObject({ task: tasks[0], messageId: first.messageId, dequeueCount: 2 });
        await backend.abandonActivity(second);
        const third = await d.lockActivity('the activity abandoned without delay');
        expect(third.dequeueCount).toBe(3);

        const result = activityResult(tasks[0], '"ok"', d.now());
        await expect(backend.completeActivity(first, result)).rejects.toThrow(LockLostError);
        await backend.completeActivity(third, result);
        expect((await d.lockInstance('the one result')).messages.map(sent)).toEqual([sent(result)]);
      });
    });

    describe('queries', () => {
      const records = [
        orchestrationRecord('q-a1', at(1), { status: 'Completed', output: '1', completedAt: iso(at(10)) }),
        orchestrationRecord('q-a2', at(2), { status: 'Running', name: 'Other', customStatus: '{"stage":"fetching"}' }),
        orchestrationRecord('q-b1', at(3), { status: 'Failed', failureDetails: { errorType: 'Error', errorMessage: 'boom' } }),
        orchestrationRecord('q-b2', at(4), { status: 'Pending' }),
        orchestrationRecord('other', at(5), { status: 'Terminated', output: '"stop"' }),
        entityRecord('@counter@q1', at(6)),
      ];

      it('filters by id prefix, creation time (inclusive), status and kind', async () => {
        await store(records);
        expect(await idsOf({})).toEqual(['other', 'q-a1', 'q-a2', 'q-b1', 'q-b2']);
        expect(await idsOf({ kind: 'orchestration' })).toEqual(['other', 'q-a1', 'q-a2', 'q-b1', 'q-b2']);
        expect(await idsOf({ kind: 'entity' })).toEqual(['@counter@q1']);
        expect(await idsOf({ kind: 'all' })).toHaveLength(6);
        expect(await idsOf({ instanceIdPrefix: 'q-' })).toEqual(['q-a1', 'q-a2', 'q-b1', 'q-b2']);
        expect(await idsOf({ instanceIdPrefix: 'q-b' })).toEqual(['q-b1', 'q-b2']);
        expect(await idsOf({ instanceIdPrefix: '@counter@', kind: 'entity' })).toEqual(['@counter@q1']);
        expect(await idsOf({ statuses: ['Completed', 'Failed'] })).toEqual(['q-a1', 'q-b1']);
        expect(await idsOf({ createdFrom: iso(at(2)), createdTo: iso(at(4)) })).toEqual(['q-a2', 'q-b1', 'q-b2']);
        expect(await idsOf({ instanceIdPrefix: 'q-', statuses: ['Running', 'Pending'], createdFrom: iso(at(3)) })).toEqual(['q-b2']);
        expect(await idsOf({ statuses: ['Suspended'] })).toEqual([]);
      });

      it('filters by exact name and by text in the custom status', async () => {
        await store([...records, orchestrationRecord('q-c1', at(7), { status: 'Running', name: 'other', customStatus: '"fetching"' })]);
        expect(await idsOf({ name: 'Other' })).toEqual(['q-a2']);
        expect(await idsOf({ name: 'SayHelloSequence', statuses: ['Failed', 'Running'] })).toEqual(['q-b1']);
        expect(await idsOf({ customStatusContains: 'fetching' })).toEqual(['q-a2', 'q-c1']);
        expect(await idsOf({ customStatusContains: '"stage"', instanceIdPrefix: 'q-a' })).toEqual(['q-a2']);
        expect(await idsOf({ customStatusContains: 'null' })).toEqual([]);
        expect(await idsOf({ name: 'Nobody' })).toEqual([]);
      });

      it('pages newest first when descending, each instance exactly once', async () => {
        await store(records);
        const newestFirst = ['other', 'q-b2', 'q-b1', 'q-a2', 'q-a1'];
        expect(await idsInOrder({ descending: true })).toEqual(newestFirst);
        expect(await idsInOrder({ descending: true, pageSize: 2 })).toEqual(newestFirst);
        expect(await idsInOrder({ descending: true, pageSize: 1, statuses: ['Running', 'Failed', 'Pending'] })).toEqual(['q-b2', 'q-b1', 'q-a2']);
        const first = await backend.queryInstances({ descending: true, pageSize: 2 });
        expect(first.instances.map((r) => r.instanceId)).toEqual(['other', 'q-b2']);
      });

      it('counts matching instances by status', async () => {
        await store([...records, orchestrationRecord('q-a3', at(8), { status: 'Running' })]);
        expect(await backend.countInstances({})).toEqual({ Completed: 1, Running: 2, Failed: 1, Pending: 1, Terminated: 1 });
        expect(await backend.countInstances({ instanceIdPrefix: 'q-a' })).toEqual({ Completed: 1, Running: 2 });
        expect(await backend.countInstances({ name: 'Other', customStatusContains: 'fetch' })).toEqual({ Running: 1 });
        expect(await backend.countInstances({ createdFrom: iso(at(3)), statuses: ['Failed', 'Running'] })).toEqual({ Failed: 1, Running: 1 });
        expect(await backend.countInstances({ kind: 'entity' })).toEqual({ Running: 1 });
        expect(await backend.countInstances({ name: 'Nobody' })).toEqual({});
      });

      it('returns the stored records', async () => {
        await store(records);
        for (const record of records) expect(await queryAll({ instanceIdPrefix: record.instanceId, kind: 'all' })).toEqual([record]);
      });

      it('pages with continuation tokens, visiting every instance exactly once', async () => {
        await store(records);
        expect(await idsOf({ kind: 'all', pageSize: 2 })).toEqual(records.map((r) => r.instanceId).sort());
        expect(await idsOf({ instanceIdPrefix: 'q-', pageSize: 3 })).toEqual(['q-a1', 'q-a2', 'q-b1', 'q-b2']);
      });

      // One filter rule on every backend and every path of one backend (src/backends/backend.ts InstanceFilter): a
      // full list, a paged list and a count select the same instances.
      async function expectSelects(query: Omit<InstanceQuery, 'pageSize' | 'continuationToken' | 'descending'>, ids: string[]): Promise<void> {
        expect(await idsOf(query)).toEqual(ids);
        expect(await idsOf({ ...query, pageSize: 2 })).toEqual(ids);
        expect(Object.values(await backend.countInstances(query)).reduce((sum, n) => sum + n, 0)).toBe(ids.length);
      }
      const orchestrationIds = ['other', 'q-a1', 'q-a2', 'q-b1', 'q-b2'];

      it('reads an empty status list as no status filter, as DT.AS and the Scheduler protocol do', async () => {
        await store(records);
        await expectSelects({ statuses: [] }, orchestrationIds);
        await expectSelects({ statuses: [], kind: 'all' }, [...records.map((r) => r.instanceId)].sort());
        expect(await backend.countInstances({ statuses: [] })).toEqual(await backend.countInstances({}));
      });

      it('keeps both ends of the creation window, to the millisecond', async () => {
        await store(records);
        await expectSelects({ createdFrom: iso(at(2)), createdTo: iso(at(2)) }, ['q-a2']);
        await expectSelects({ createdFrom: iso(at(2) + 1), createdTo: iso(at(4) - 1) }, ['q-b1']);
        await expectSelects({ createdFrom: iso(at(4)) }, ['other', 'q-b2']);
        await expectSelects({ createdTo: iso(at(1)) }, ['q-a1']);
        // Dates are UTC midnight; an offset counts.
        await expectSelects({ createdFrom: '2024-02-01', createdTo: '2024-02-01T01:00:02+01:00' }, ['q-a1', 'q-a2']);
        await expectSelects({ createdFrom: iso(at(4)), createdTo: iso(at(2)) }, []);
      });

      it('matches id prefixes, names and custom-status text exactly and case-sensitively', async () => {
        await store([...records, orchestrationRecord('q-c1', at(7), { status: 'Running', name: 'other', customStatus: '"fetching"' })]);
        const all = [...orchestrationIds, 'q-c1'].sort();
        await expectSelects({ instanceIdPrefix: '' }, all);
        await expectSelects({ instanceIdPrefix: 'Q-' }, []);
        await expectSelects({ instanceIdPrefix: 'q-a2' }, ['q-a2']);
        await expectSelects({ name: 'other' }, ['q-c1']);
        await expectSelects({ name: 'Other ' }, []);
        await expectSelects({ customStatusContains: '' }, all);
        await expectSelects({ customStatusContains: '"fetching"' }, ['q-a2', 'q-c1']);
        await expectSelects({ customStatusContains: 'fetching"}' }, ['q-a2']);
        await expectSelects({ customStatusContains: 'Fetching' }, []);
      });

      it('tells entities from orchestrations by the "@" their ids start with; an entity is named by its lower-cased name', async () => {
        await store([...records, entityRecord('@timer@q2', at(7))]);
        await expectSelects({ kind: 'entity' }, ['@counter@q1', '@timer@q2']);
        await expectSelects({ kind: 'entity', name: 'counter' }, ['@counter@q1']);
        await expectSelects({ kind: 'all', instanceIdPrefix: '@' }, ['@counter@q1', '@timer@q2']);
        await expectSelects({ kind: 'orchestration', instanceIdPrefix: '@' }, []);
        await expectSelects({ kind: 'all', statuses: ['Running'], createdFrom: iso(at(6)) }, ['@counter@q1', '@timer@q2']);
      });

      it('refuses a filter that does not parse with a RangeError naming the field, on every path', async () => {
        await store(records);
        const refused: [Omit<InstanceQuery, 'pageSize'>, RegExp][] = [
          [{ createdFrom: 'yesterday' }, /createdFrom 'yesterday'/],
          [{ createdTo: '' }, /createdTo ''/],
          [{ createdFrom: '1' }, /createdFrom '1'/],
          [{ createdTo: '2024-02-30T00:00:00Z' }, /createdTo '2024-02-30T00:00:00Z'/],
          [{ createdFrom: '2024-02-01T25:00:00Z' }, /createdFrom '2024-02-01T25:00:00Z'/],
          [{ statuses: ['running' as RuntimeStatus] }, /status 'running'/],
          [{ kind: 'entities' as InstanceQuery['kind'] }, /kind 'entities'/],
        ];
        for (const [query, message] of refused) {
          await expect(backend.queryInstances(query)).rejects.toThrow(RangeError);
          await expect(backend.queryInstances(query)).rejects.toThrow(message);
          await expect(backend.queryInstances({ ...query, pageSize: 2 })).rejects.toThrow(message);
          await expect(backend.countInstances(query)).rejects.toThrow(message);
        }
      });
    });

    describe('purge', () => {
      it('purgeInstance deletes the record, the history and the pending inbox messages', async () => {
        await started(orchestrationRecord('purge-1', d.now()), { status: 'Completed' });
        await backend.sendMessages([raisedEvent('purge-1', 'TooLate', 1, d.now())]);

        expect(await backend.purgeInstance('purge-1')).toBe(true);
        expect(await backend.getInstance('purge-1')).toBeUndefined();
        expect(await backend.getHistory('purge-1')).toEqual([]);
        expect(await idsOf({ kind: 'all' })).toEqual([]);
        await d.expectNoInstance('the purged instance had its inbox removed');
        expect(await backend.purgeInstance('purge-1')).toBe(false);
        expect(await backend.purgeInstance('never-created')).toBe(false);
      });

      it('purgeInstances deletes only terminal instances that match, and counts them', async () => {
        await store([
          orchestrationRecord('p-done', at(1), { status: 'Completed' }),
          orchestrationRecord('p-failed', at(2), { status: 'Failed' }),
          orchestrationRecord('p-terminated', at(3), { status: 'Terminated' }),
          orchestrationRecord('p-running', at(2), { status: 'Running' }),
          orchestrationRecord('p-pending', at(2), { status: 'Pending' }),
          orchestrationRecord('p-later', at(9), { status: 'Completed' }),
          entityRecord('@counter@p', at(2)),
        ]);

        expect(await backend.purgeInstances({ createdFrom: iso(at(1)), createdTo: iso(at(3)) })).toBe(3);
        expect(await idsOf({ kind: 'all' })).toEqual(['@counter@p', 'p-later', 'p-pending', 'p-running']);
        expect(await backend.getHistory('p-done')).toEqual([]);
        expect(await backend.purgeInstances({ statuses: ['Running', 'Completed'] })).toBe(1);
        expect(await idsOf({ kind: 'all' })).toEqual(['@counter@p', 'p-pending', 'p-running']);
        expect(await backend.purgeInstances({})).toBe(0);
      });

      it('purgeInstances narrows by name, id prefix and custom status', async () => {
        await store([
          orchestrationRecord('n-a', at(1), { status: 'Completed', name: 'Alpha', customStatus: '"green"' }),
          orchestrationRecord('n-b', at(2), { status: 'Failed', name: 'Alpha', customStatus: '"red"' }),
          orchestrationRecord('n-c', at(3), { status: 'Completed', name: 'Beta' }),
          orchestrationRecord('m-a', at(4), { status: 'Completed', name: 'Alpha' }),
          orchestrationRecord('n-d', at(5), { status: 'Running', name: 'Alpha', customStatus: '"red"' }),
        ]);
        expect(await backend.purgeInstances({ name: 'Alpha', customStatusContains: 'red' })).toBe(1);
        expect(await backend.purgeInstances({ name: 'Alpha', instanceIdPrefix: 'n-' })).toBe(1);
        expect(await idsOf({})).toEqual(['m-a', 'n-c', 'n-d']);
      });

      it('purgeInstances refuses a filter that does not parse before it deletes anything', async () => {
        await store([orchestrationRecord('x-done', at(1), { status: 'Completed' }), orchestrationRecord('x-failed', at(2), { status: 'Failed' })]);
        await expect(backend.purgeInstances({ createdFrom: 'last week' })).rejects.toThrow(/createdFrom 'last week'/);
        await expect(backend.purgeInstances({ createdFrom: iso(at(0)), createdTo: '' })).rejects.toThrow(RangeError);
        // Checked before the statuses are narrowed to the terminal ones, so a filter that could purge nothing is refused too.
        await expect(backend.purgeInstances({ statuses: ['Running'], createdTo: '2024-13-01T00:00:00Z' })).rejects.toThrow(/createdTo/);
        await expect(backend.purgeInstances({ statuses: ['Done' as RuntimeStatus] })).rejects.toThrow(/status 'Done'/);
        expect(await idsOf({})).toEqual(['x-done', 'x-failed']);
      });

      it('purgeInstances reads an empty status list as the terminal ones, keeps both window ends, and purges nothing for only non-terminal statuses', async () => {
        await store([
          orchestrationRecord('w-1', at(1), { status: 'Completed' }),
          orchestrationRecord('w-2', at(2), { status: 'Failed' }),
          orchestrationRecord('w-3', at(3), { status: 'Completed' }),
          orchestrationRecord('w-4', at(4), { status: 'Terminated' }),
          orchestrationRecord('w-5', at(2), { status: 'Running' }),
        ]);
        expect(await backend.purgeInstances({ statuses: ['Running', 'Pending'] })).toBe(0);
        expect(await backend.purgeInstances({ createdFrom: iso(at(2)), createdTo: iso(at(3)), statuses: [] })).toBe(2);
        expect(await idsOf({})).toEqual(['w-1', 'w-4', 'w-5']);
        expect(await backend.purgeInstances({ statuses: [] })).toBe(2);
        expect(await idsOf({})).toEqual(['w-5']);
      });
    });

    describe('payloads and ids', () => {
      it('round-trips a 1 MB payload through records, messages, history and activities', async () => {
        const big = JSON.stringify(`Grüße 世界 🎉 ${'0123456789abcdef'.repeat(65_536)}`);
        expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
        const same = (actual: string | undefined, where: string) => {
          if (actual !== big) throw new Error(`The 1 MB payload did not round-trip through ${where}: got ${actual?.length ?? 'nothing'} characters`);
        };

        const record = orchestrationRecord('big-1', d.now(), { input: big });
        const item = await createAndLock(record);
        same((await backend.getInstance('big-1'))?.input, 'getInstance');
        const start = item.messages[0].event;
        same(start.type === 'executionStarted' ? start.input : undefined, 'the start message');

        const running: InstanceRecord = { ...record, status: 'Running', customStatus: big };
        const scheduled = taskScheduled(0, 'Echo', big, d.now());
        const task = activityTask(running, scheduled);
        await backend.completeInstance(item, commitOf(item, { instance: running, history: { append: [start, scheduled] }, activities: [task] }));
        const history = await backend.getHistory('big-1');
        same(history[0].type === 'executionStarted' ? history[0].input : undefined, 'history (executionStarted)');
        same(history[1].type === 'taskScheduled' ? history[1].input : undefined, 'history (taskScheduled)');

        const lease = await d.lockActivity('the activity');
        same(lease.task.event.input, 'the activity queue');
        await backend.completeActivity(lease, activityResult(task, big, d.now()));
        const resultItem = await d.lockInstance('the result');
        const completed = resultItem.messages[0].event;
        same(completed.type === 'taskCompleted' ? completed.result : undefined, 'the result message');

        await backend.completeInstance(resultItem, commitOf(resultItem, { instance: { ...running, status: 'Completed', output: big } }));
        const stored = await backend.getInstance('big-1');
        same(stored?.output, 'the record output');
        same(stored?.customStatus, 'the record custom status');
        same((await queryAll({ instanceIdPrefix: 'big-1' }))[0]?.output, 'queryInstances');
      });

      it('handles ids with spaces, "@", "^" and non-ASCII characters', async () => {
        const ids = ['with space', 'caret^id^^0', 'at@sign', 'ünïcødé-名前-🎉', '@counter@key with ^ and ü'];
        await store(ids.map((id) => (id.startsWith('@') ? entityRecord(id, d.now()) : orchestrationRecord(id, d.now(), { status: 'Running' }))));
        for (const id of ids) {
          expect((await backend.getInstance(id))?.instanceId).toBe(id);
          expect((await backend.getHistory(id)).length).toBeGreaterThan(0);
          expect(await idsOf({ instanceIdPrefix: id, kind: 'all' })).toEqual([id]);
        }

        await backend.sendMessages(ids.map((id) => (id.startsWith('@') ? entitySignal(id, 'ping', d.now()) : raisedEvent(id, 'Ping', id, d.now()))));
        await d.processEach(ids, async (item) => {
          expect(item.instance?.instanceId).toBe(item.instanceId);
          expect(item.messages.map((m) => m.instanceId)).toEqual([item.instanceId]);
          await d.completeUnchanged(item);
        });
        for (const id of ids) expect(await backend.purgeInstance(id)).toBe(true);
        expect(await idsOf({ kind: 'all' })).toEqual([]);
      });
    });
  });
}
