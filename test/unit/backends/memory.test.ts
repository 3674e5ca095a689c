// What only the memory backend promises: waking on clock moves and on its one visibility timer, the time-skipping
// probes (nextVisibleAt, isIdle), its wait bound and stop, locks ended by purge or replace, and query order.
// Everything the interface promises is in test/conformance/.

import { getEventListeners } from 'node:events';
import { ManualClock, type InstanceRecord } from '../../../src/core';
import { LockLostError } from '../../../src/backends';
import { MemoryBackend } from '../../../src/backends/memory';
import { commitOf } from '../../conformance/backend-driver';
import { activityResult, activityTask, iso, orchestrationRecord, raisedEvent, startMessage, taskScheduled } from '../../conformance/durable-fixtures';

const NO_REPLACE = { replaceableStatuses: [] };

/** 'pending' if `promise` has not settled once every queued microtask and one macrotask turn have run. */
function stateAfterATurn(promise: Promise<unknown>): Promise<'settled' | 'pending'> {
  return Promise.race([promise.then(() => 'settled' as const), new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

describe('MemoryBackend', () => {
  let clock: ManualClock;
  let backend: MemoryBackend;

  beforeEach(() => {
    clock = new ManualClock();
    backend = new MemoryBackend({ clock });
  });

  afterEach(() => backend.stop());

  async function create(instanceId: string): Promise<InstanceRecord> {
    const record = orchestrationRecord(instanceId, clock.now());
    await backend.createInstance(record, startMessage(record), NO_REPLACE);
    return record;
  }

  describe('waking on time', () => {
    it('a waiting lockNextInstance wakes when the ManualClock reaches a message’s visibility time, not before', async () => {
      const fireAt = clock.now() + 60_000;
      await backend.sendMessages([{ ...raisedEvent('timer-1', 'Tick', 1, clock.now()), visibleAt: fireAt }]);
      const waiting = backend.lockNextInstance(AbortSignal.timeout(10_000));

      clock.set(fireAt - 1);
      expect(await stateAfterATurn(waiting)).toBe('pending');
      clock.set(fireAt);
      expect((await waiting)?.instanceId).toBe('timer-1');
    });

    it('a waiting lockNextActivity wakes when the ManualClock passes an abandoned activity’s delay', async () => {
      const record = await create('act-1');
      const item = (await backend.lockNextInstance())!;
      await backend.completeInstance(item, commitOf(item, { activities: [activityTask(record, taskScheduled(0, 'Work', undefined, clock.now()))] }));
      await backend.abandonActivity((await backend.lockNextActivity())!, 5_000);
      const waiting = backend.lockNextActivity(AbortSignal.timeout(10_000));

      clock.advance(4_999);
      expect(await stateAfterATurn(waiting)).toBe('pending');
      clock.advance(1);
      expect(await waiting).toMatchObject({ task: { instanceId: 'act-1' }, dequeueCount: 2 });
    });

    it('with the system clock, one timer hands out a delayed message once it is visible', async () => {
      const realTime = new MemoryBackend();
      const visibleAt = Date.now() + 50;
      await realTime.sendMessages([{ ...raisedEvent('soon-1', 'Tick', 1, Date.now()), visibleAt }]);
      const item = await realTime.lockNextInstance(AbortSignal.timeout(10_000));
      expect(item?.instanceId).toBe('soon-1');
      expect(Date.now()).toBeGreaterThanOrEqual(visibleAt);
    });

    it('hands out visible work even when the signal has already aborted, and nothing else', async () => {
      await create('now-1');
      expect((await backend.lockNextInstance(AbortSignal.abort()))?.instanceId).toBe('now-1');
      expect(await backend.lockNextInstance(AbortSignal.abort())).toBeUndefined();
    });

    it('many lock calls sharing one stop signal add one abort listener, and all end when it aborts', async () => {
      const stopping = new AbortController();
      const waiting = [...Array(25)].map((_, i) => (i % 2 ? backend.lockNextActivity(stopping.signal) : backend.lockNextInstance(stopping.signal)));
      expect(getEventListeners(stopping.signal, 'abort').length).toBeLessThanOrEqual(2);
      stopping.abort();
      expect(await Promise.all(waiting)).toEqual(Array(25).fill(undefined));
      expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
    });

    it('gives up after maxWaitMs when no signal ends the wait', async () => {
      const bounded = new MemoryBackend({ clock, maxWaitMs: 20 });
      expect(await bounded.lockNextInstance()).toBeUndefined();
      expect(await bounded.lockNextActivity()).toBeUndefined();
    });

    it('stop ends waiting calls and hands out nothing until start', async () => {
      const waiting = backend.lockNextInstance(AbortSignal.timeout(10_000));
      await backend.stop();
      expect(await waiting).toBeUndefined();
      await create('after-stop');
      expect(await backend.lockNextInstance(AbortSignal.abort())).toBeUndefined();
      await backend.start();
      expect((await backend.lockNextInstance(AbortSignal.abort()))?.instanceId).toBe('after-stop');
    });
  });

  describe('batching activity answers', () => {
    /** Lets every queued microtask run (many awaits deep), but no macrotask. */
    async function drainMicrotasks(): Promise<void> {
      for (let i = 0; i < 50; i++) await Promise.resolve();
    }

    async function fanOut(instanceId: string, width: number) {
      const record = await create(instanceId);
      const item = (await backend.lockNextInstance())!;
      const tasks = Array.from({ length: width }, (_, i) => activityTask(record, taskScheduled(i, 'Work', undefined, clock.now())));
      await backend.completeInstance(item, commitOf(item, { activities: tasks }));
      return Promise.all(tasks.map(() => backend.lockNextActivity().then((lease) => lease!)));
    }

    it('answers that arrive in one event-loop turn while more activities are out go to a waiting caller in one work item', async () => {
      const leases = await fanOut('fan-1', 4);
      const waiting = backend.lockNextInstance(AbortSignal.timeout(10_000));
      for (const lease of leases.slice(0, 3)) {
        await backend.completeActivity(lease, activityResult(lease.task, '"done"', clock.now()));
        await drainMicrotasks();
      }
      const item = await waiting;
      expect(item?.messages.map((m) => m.event.type === 'taskCompleted' && m.event.taskScheduledId)).toEqual([0, 1, 2]);
    });

    it('the answer to an instance’s last activity out goes to a waiting caller within the turn', async () => {
      const [lease] = await fanOut('fan-2', 1);
      let handedOut: string | undefined;
      void backend.lockNextInstance(AbortSignal.timeout(10_000)).then((item) => (handedOut = item?.instanceId));
      await backend.completeActivity(lease, activityResult(lease.task, '"done"', clock.now()));
      await drainMicrotasks();
      expect(handedOut).toBe('fan-2');
    });
  });

  describe('time-skipping probes', () => {
    it('nextVisibleAt is the earliest visibility time of any message or activity not handed out', async () => {
      expect(backend.nextVisibleAt()).toBeUndefined();
      const start = clock.now();
      await backend.sendMessages([
        { ...raisedEvent('a', 'Later', 1, start), visibleAt: start + 9_000 },
        { ...raisedEvent('b', 'Sooner', 1, start), visibleAt: start + 3_000 },
      ]);
      expect(backend.nextVisibleAt()).toBe(start + 3_000);

      clock.set(start + 3_000);
      const item = (await backend.lockNextInstance())!;
      expect(item.instanceId).toBe('b');
      expect(backend.nextVisibleAt()).toBe(start + 9_000);
      await backend.abandonInstance(item, 1_000);
      expect(backend.nextVisibleAt()).toBe(start + 4_000);
    });

    it('nextVisibleAt counts activities, and ignores messages kept for the next work item', async () => {
      const record = await create('keep-1');
      const item = (await backend.lockNextInstance())!;
      const task = activityTask(record, taskScheduled(0, 'Work', undefined, clock.now()));
      await backend.completeInstance(item, commitOf(item, { keepMessageIds: item.messages.map((m) => m.messageId), activities: [task] }));
      expect(backend.nextVisibleAt()).toBe(clock.now());
      await backend.abandonActivity((await backend.lockNextActivity())!, 7_000);
      expect(backend.nextVisibleAt()).toBe(clock.now() + 7_000);
    });

    it('isIdle is true only when nothing is locked and nothing is visible now', async () => {
      expect(backend.isIdle()).toBe(true);
      const record = await create('idle-1');
      expect(backend.isIdle()).toBe(false);
      const item = (await backend.lockNextInstance())!;
      expect(backend.isIdle()).toBe(false);

      const task = activityTask(record, taskScheduled(0, 'Work', undefined, clock.now()));
      const timer = { ...raisedEvent('idle-1', 'Timer', 1, clock.now()), visibleAt: clock.now() + 1_000 };
      await backend.completeInstance(item, commitOf(item, { activities: [task], messages: [timer] }));
      expect(backend.isIdle()).toBe(false);
      const lease = (await backend.lockNextActivity())!;
      expect(backend.isIdle()).toBe(false);
      await backend.abandonActivity(lease, 5_000);
      expect(backend.isIdle()).toBe(true);
      clock.advance(1_000);
      expect(backend.isIdle()).toBe(false);
    });
  });

  describe('locks end when the instance goes away', () => {
    it('purging a locked instance makes its commit fail with LockLostError instead of bringing it back', async () => {
      const record = await create('purge-locked');
      const item = (await backend.lockNextInstance())!;
      expect(await backend.purgeInstance('purge-locked')).toBe(true);
      await expect(backend.completeInstance(item, commitOf(item, { instance: { ...record, status: 'Running' } }))).rejects.toThrow(LockLostError);
      expect(await backend.getInstance('purge-locked')).toBeUndefined();
      expect(backend.isIdle()).toBe(true);
    });

    it('replacing a locked instance makes the old work item’s commit fail, and the new start is delivered', async () => {
      const first = await create('replace-locked');
      const stale = (await backend.lockNextInstance())!;
      const second = orchestrationRecord('replace-locked', clock.now());
      await backend.createInstance(second, startMessage(second), { replaceableStatuses: ['Pending'] });

      await expect(backend.completeInstance(stale, commitOf(stale, { instance: { ...first, status: 'Completed' } }))).rejects.toThrow(LockLostError);
      expect(await backend.getInstance('replace-locked')).toEqual(second);
      const next = (await backend.lockNextInstance())!;
      expect(next.instance).toEqual(second);
      expect(next.messages.map((m) => m.event.type)).toEqual(['executionStarted', 'executionStarted']);
    });

    it('refuses a commit that carries another instance’s record, changing nothing', async () => {
      await create('own-1');
      const item = (await backend.lockNextInstance())!;
      const foreign = orchestrationRecord('someone-else', clock.now());
      await expect(backend.completeInstance(item, commitOf(item, { instance: foreign }))).rejects.toThrow("may only write its own instance");
      expect(await backend.getInstance('someone-else')).toBeUndefined();
      await backend.completeInstance(item, commitOf(item, {}));
    });
  });

  describe('queries', () => {
    it('orders by creation time, then id, across pages', async () => {
      const t = Date.UTC(2024, 5, 1);
      for (const [id, at] of [['c', t + 1], ['b', t], ['a', t + 1], ['d', t]] as const) {
        const record = orchestrationRecord(id, at);
        await backend.createInstance(record, startMessage(record), NO_REPLACE);
      }
      const first = await backend.queryInstances({ pageSize: 3 });
      const second = await backend.queryInstances({ pageSize: 3, continuationToken: first.continuationToken });
      expect([...first.instances, ...second.instances].map((r) => r.instanceId)).toEqual(['b', 'd', 'a', 'c']);
      expect(second.continuationToken).toBeUndefined();
    });

    it('a continuation token stays valid when instances are added or purged between pages', async () => {
      for (const id of ['p1', 'p2', 'p3', 'p4']) await create(id);
      const first = await backend.queryInstances({ pageSize: 2 });
      expect(first.instances.map((r) => r.instanceId)).toEqual(['p1', 'p2']);
      await backend.purgeInstance('p1');
      await backend.purgeInstance('p3');
      await create('p0');
      const rest = await backend.queryInstances({ pageSize: 2, continuationToken: first.continuationToken });
      expect(rest.instances.map((r) => r.instanceId)).toEqual(['p4']);
    });

    it('rejects bad query input with errors that say what to pass', async () => {
      await expect(backend.queryInstances({ continuationToken: 'not-a-token' })).rejects.toThrow('pass back the token of the previous page unchanged');
      await expect(backend.queryInstances({ pageSize: 0 })).rejects.toThrow('Invalid pageSize 0');
      await create('q-1');
      await expect(backend.queryInstances({ createdFrom: 'yesterday' })).rejects.toThrow("Invalid createdFrom 'yesterday'");
      expect((await backend.queryInstances({ createdFrom: iso(0) })).instances).toHaveLength(1);
    });
  });
});
