// `durable-runtime emulator` driven by the official @microsoft/durabletask-js SDK as both client and worker
// (issue 14 "Done when"): the durable patterns end to end through TaskHubSidecarService (specs/backends.md Part B).

import {
  EntityInstanceId,
  HistoryEventType,
  OrchestrationStatus,
  RetryPolicy,
  terminateOptions,
  whenAll,
  type ExecutionStartedEvent,
  type ActivityContext,
  type OrchestrationContext,
  type TaskEntityOperation,
} from '@microsoft/durabletask-js';
import { sdkClient, sdkWorker, startEmulator, type EmulatorProcess } from '../../support/emulator-process';
import { waitFor } from '../../support/wait-for';

jest.setTimeout(120_000);

let emulator: EmulatorProcess;
let client: ReturnType<typeof sdkClient>;
let worker: ReturnType<typeof sdkWorker>;
const attempts = new Map<string, number>();
/** Activities that fail until the test lets them through (rewind). */
const failing = new Set<string>();

beforeAll(async () => {
  emulator = await startEmulator();
  client = sdkClient(emulator.address);
  worker = sdkWorker(emulator.address);
  worker.addNamedActivity('hello', (_ctx: ActivityContext, name: string) => `Hello ${name}!`);
  worker.addNamedActivity('double', (_ctx: ActivityContext, n: number) => n * 2);
  worker.addNamedActivity('flaky', (_ctx: ActivityContext, key: string) => {
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    if (attempt < 3) throw new Error(`attempt ${attempt} fails`);
    return attempt;
  });
  worker.addNamedActivity('gate', (_ctx: ActivityContext, key: string) => {
    if (failing.has(key)) throw new Error(`gate ${key} is closed`);
    return `passed ${key}`;
  });
  worker.addNamedOrchestrator('chain', async function* (ctx: OrchestrationContext, names: string[]): any {
    const out = [];
    for (const name of names) out.push(yield ctx.callActivity('hello', name));
    return out;
  });
  worker.addNamedOrchestrator('fanOut', async function* (ctx: OrchestrationContext, count: number): any {
    const results: number[] = yield whenAll(Array.from({ length: count }, (_, i) => ctx.callActivity('double', i)));
    return results.reduce((sum, n) => sum + n, 0);
  });
  worker.addNamedOrchestrator('parent', async function* (ctx: OrchestrationContext, names: string[]): any {
    return yield ctx.callSubOrchestrator('chain', names, { instanceId: `${ctx.instanceId}-child` });
  });
  worker.addNamedOrchestrator('timer', async function* (ctx: OrchestrationContext): any {
    yield ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + 200));
    return 'woke';
  });
  worker.addNamedOrchestrator('approval', async function* (ctx: OrchestrationContext): any {
    ctx.setCustomStatus('waiting for approval');
    const answer = yield ctx.waitForExternalEvent('approve');
    ctx.setCustomStatus('approved');
    return answer;
  });
  worker.addNamedOrchestrator('retry', async function* (ctx: OrchestrationContext, key: string): any {
    return yield ctx.callActivity('flaky', key, { retry: new RetryPolicy({ maxNumberOfAttempts: 3, firstRetryIntervalInMilliseconds: 50, backoffCoefficient: 2 }) });
  });
  worker.addNamedOrchestrator('counter', async function* (ctx: OrchestrationContext, n: number): any {
    if (n < 3) {
      ctx.continueAsNew(n + 1, false);
      return;
    }
    return n;
  });
  worker.addNamedOrchestrator('parentOfWaiter', async function* (ctx: OrchestrationContext): any {
    return yield ctx.callSubOrchestrator('approval', undefined, { instanceId: `${ctx.instanceId}-child` });
  });
  worker.addNamedOrchestrator('gated', async function* (ctx: OrchestrationContext, key: string): any {
    const first = yield ctx.callActivity('hello', key);
    const second = yield ctx.callActivity('gate', key);
    return [first, second];
  });
  worker.addNamedEntity('counter', () => ({
    run(operation: TaskEntityOperation) {
      const value = operation.state.getState<number>(0) ?? 0;
      if (operation.name === 'add') operation.state.setState(value + (operation.getInput<number>() ?? 0));
      if (operation.name === 'delete') operation.state.setState(undefined);
      return operation.state.getState<number>(0);
    },
  }));
  worker.addNamedOrchestrator('entityUser', async function* (ctx: OrchestrationContext, key: string): any {
    const a = new EntityInstanceId('counter', `${key}-a`);
    const b = new EntityInstanceId('counter', `${key}-b`);
    ctx.entities.signalEntity(a, 'add', 1);
    const afterCall: number = yield ctx.entities.callEntity(a, 'add', 10);
    const lock = yield ctx.entities.lockEntities(a, b);
    const inLock = ctx.entities.isInCriticalSection().inSection;
    yield ctx.entities.callEntity(a, 'add', 100);
    yield ctx.entities.callEntity(b, 'add', 5);
    lock.release();
    return { afterCall, inLock };
  });
  /** Takes the locks and holds them until told to let go; terminated before its grant, it orphans what it took. */
  worker.addNamedOrchestrator('holdLocks', async function* (ctx: OrchestrationContext, keys: string[]): any {
    const lock = yield ctx.entities.lockEntities(...keys.map((key) => new EntityInstanceId('counter', key)));
    ctx.setCustomStatus('holding');
    yield ctx.waitForExternalEvent('letGo');
    lock.release();
  });
  await worker.start();
});

afterAll(async () => {
  await worker?.stop().catch(() => undefined);
  await client?.stop();
  await emulator?.stop('SIGINT');
});

async function complete(id: string) {
  const state = await client.waitForOrchestrationCompletion(id, true, 90);
  if (!state) throw new Error(`instance ${id} did not complete`);
  return state;
}

describe('orchestrations through the emulator', () => {
  it('chains activities and returns their results', async () => {
    const id = await client.scheduleNewOrchestration('chain', ['Tokyo', 'Lima']);
    const state = await complete(id);
    expect(state.runtimeStatus).toBe(OrchestrationStatus.COMPLETED);
    expect(JSON.parse(state.serializedOutput!)).toEqual(['Hello Tokyo!', 'Hello Lima!']);
    // The Scheduler's execution ids are 32 hex digits.
    const [started] = (await client.getOrchestrationHistory(id)).filter((event) => event.type === HistoryEventType.ExecutionStarted);
    expect((started as ExecutionStartedEvent).orchestrationInstance?.executionId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('fans out over 200 activities and fans in', async () => {
    const state = await complete(await client.scheduleNewOrchestration('fanOut', 200));
    expect(state.runtimeStatus).toBe(OrchestrationStatus.COMPLETED);
    expect(JSON.parse(state.serializedOutput!)).toBe(2 * ((199 * 200) / 2));
  });

  it('runs a sub-orchestration and returns its output', async () => {
    const id = await client.scheduleNewOrchestration('parent', ['Cairo'], 'parent-1');
    expect(JSON.parse((await complete(id)).serializedOutput!)).toEqual(['Hello Cairo!']);
    const child = await client.getOrchestrationState('parent-1-child');
    expect(child?.runtimeStatus).toBe(OrchestrationStatus.COMPLETED);
  });

  it('fires durable timers', async () => {
    const id = await client.scheduleNewOrchestration('timer');
    expect(JSON.parse((await complete(id)).serializedOutput!)).toBe('woke');
    const history = await client.getOrchestrationHistory(id);
    expect(history.map((event) => event.type)).toEqual(expect.arrayContaining([expect.stringMatching(/TimerCreated/i), expect.stringMatching(/TimerFired/i)]));
  });

  it('delivers external events and shows custom status', async () => {
    const id = await client.scheduleNewOrchestration('approval');
    await waitFor('custom status', async () => (await client.getOrchestrationState(id))?.serializedCustomStatus === JSON.stringify('waiting for approval'));
    await client.raiseOrchestrationEvent(id, 'approve', { by: 'ana' });
    const state = await complete(id);
    expect(JSON.parse(state.serializedOutput!)).toEqual({ by: 'ana' });
    expect(state.serializedCustomStatus).toBe(JSON.stringify('approved'));
  });

  it('retries a failing activity with backoff until it succeeds', async () => {
    const state = await complete(await client.scheduleNewOrchestration('retry', 'r1'));
    expect(state.runtimeStatus).toBe(OrchestrationStatus.COMPLETED);
    expect(JSON.parse(state.serializedOutput!)).toBe(3);
  });

  it('continues as new with a fresh execution until done', async () => {
    const state = await complete(await client.scheduleNewOrchestration('counter', 0));
    expect(JSON.parse(state.serializedOutput!)).toBe(3);
  });

  it('terminates recursively: the sub-orchestration ends too', async () => {
    const id = await client.scheduleNewOrchestration('parentOfWaiter', undefined, 'term-1');
    await waitFor('the child to start', async () => (await client.getOrchestrationState('term-1-child'))?.runtimeStatus === OrchestrationStatus.RUNNING);
    await client.terminateOrchestration(id, terminateOptions({ output: 'enough', recursive: true }));
    expect((await complete(id)).runtimeStatus).toBe(OrchestrationStatus.TERMINATED);
    expect((await complete('term-1-child')).runtimeStatus).toBe(OrchestrationStatus.TERMINATED);
  });

  it('suspends and resumes', async () => {
    const id = await client.scheduleNewOrchestration('approval');
    await client.waitForOrchestrationStart(id, false, 30);
    await client.suspendOrchestration(id);
    await waitFor('Suspended', async () => (await client.getOrchestrationState(id))?.runtimeStatus === OrchestrationStatus.SUSPENDED);
    await client.raiseOrchestrationEvent(id, 'approve', 1);
    await client.resumeOrchestration(id);
    expect(JSON.parse((await complete(id)).serializedOutput!)).toBe(1);
  });

  it('rewinds a failed orchestration so it completes', async () => {
    failing.add('g1');
    const id = await client.scheduleNewOrchestration('gated', 'g1');
    const failed = await complete(id);
    expect(failed.runtimeStatus).toBe(OrchestrationStatus.FAILED);
    expect(failed.failureDetails?.message).toContain('gate g1 is closed');
    failing.delete('g1');
    await client.rewindInstance(id, 'the gate is open now');
    await waitFor('the rewound run to complete', async () => (await client.getOrchestrationState(id))?.runtimeStatus === OrchestrationStatus.COMPLETED);
    expect(JSON.parse((await client.getOrchestrationState(id))!.serializedOutput!)).toEqual(['Hello g1!', 'passed g1']);
  });

  it('restarts an instance, with the same id or a new one', async () => {
    const id = await client.scheduleNewOrchestration('chain', ['Oslo'], 'restart-1');
    await complete(id);
    expect(await client.restartOrchestration(id, false)).toBe(id);
    expect(JSON.parse((await complete(id)).serializedOutput!)).toEqual(['Hello Oslo!']);
    const newId = await client.restartOrchestration(id, true);
    expect(newId).not.toBe(id);
    expect(JSON.parse((await complete(newId)).serializedOutput!)).toEqual(['Hello Oslo!']);
  });
});

describe('queries and purge through the emulator', () => {
  it('pages through instance ids and instances', async () => {
    const ids = await Promise.all(['q-1', 'q-2', 'q-3'].map((id) => client.scheduleNewOrchestration('chain', [id], id)));
    await Promise.all(ids.map(complete));
    const first = await client.listInstanceIds({ pageSize: 2 });
    expect(first.values).toHaveLength(2);
    expect(first.continuationToken).toBeTruthy();
    const seen = new Set<string>();
    for await (const state of client.getAllInstances({ instanceIdPrefix: 'q-', pageSize: 2 } as never)) seen.add(state.instanceId);
    expect([...seen].sort()).toEqual(['q-1', 'q-2', 'q-3']);
  });

  it('purges a finished instance, and a parent recursively with its child', async () => {
    await complete(await client.scheduleNewOrchestration('chain', ['x'], 'purge-1'));
    expect((await client.purgeOrchestration('purge-1'))?.deletedInstanceCount).toBe(1);
    expect(await client.getOrchestrationState('purge-1')).toBeUndefined();

    await complete(await client.scheduleNewOrchestration('parent', ['y'], 'purge-2'));
    expect((await client.purgeOrchestration('purge-2', { recursive: true } as never))?.deletedInstanceCount).toBe(2);
    expect(await client.getOrchestrationState('purge-2-child')).toBeUndefined();
  });
});

describe('entities through the emulator', () => {
  it('takes signals from clients and reads their state', async () => {
    const id = new EntityInstanceId('counter', 'sig');
    await client.signalEntity(id, 'add', 2);
    await client.signalEntity(id, 'add', 3);
    const entity = await waitFor('the signals to apply', async () => {
      const found = await client.getEntity<number>(id, true);
      return found?.state === 5 ? found : undefined;
    });
    expect(entity.id.toString()).toBe('@counter@sig');
  });

  it('lets orchestrations signal, call and lock entities in a critical section', async () => {
    const state = await complete(await client.scheduleNewOrchestration('entityUser', 'e1'));
    expect(state.runtimeStatus).toBe(OrchestrationStatus.COMPLETED);
    expect(JSON.parse(state.serializedOutput!)).toEqual({ afterCall: 11, inLock: true });
    expect((await client.getEntity<number>(new EntityInstanceId('counter', 'e1-a'), true))?.state).toBe(111);
    expect((await client.getEntity<number>(new EntityInstanceId('counter', 'e1-b'), true))?.state).toBe(5);
  });

  // The other entities of this file's hub have state and no lock, so the counts are this test's alone.
  it('cleans entity storage: removes an empty entity and releases a lock whose holder was terminated', async () => {
    const [gone, a] = [new EntityInstanceId('counter', 'clean-gone'), new EntityInstanceId('counter', 'clean-a')];
    await client.signalEntity(gone, 'add', 1);
    await client.signalEntity(gone, 'delete');
    await client.signalEntity(a, 'add', 1);
    await waitFor('a to exist', async () => (await client.getEntity<number>(a, true))?.state === 1);
    await waitFor('the deleted entity to go', async () => (await client.getEntity(gone)) === undefined);

    const holder = await client.scheduleNewOrchestration('holdLocks', ['clean-b']);
    await waitFor('the lock on b', async () => (await client.getOrchestrationState(holder, true))?.serializedCustomStatus === '"holding"');
    const grabber = await client.scheduleNewOrchestration('holdLocks', ['clean-a', 'clean-b']);
    await waitFor('the lock on a', async () => (await client.getEntity(a))?.lockedBy === grabber);
    await client.terminateOrchestration(grabber, 'gave up');
    expect((await complete(grabber)).runtimeStatus).toBe(OrchestrationStatus.TERMINATED);
    await client.signalEntity(a, 'add', 10);
    await waitFor('the signal to queue behind the orphaned lock', async () => (await client.getEntity(a))?.backlogQueueSize === 1);

    expect(await client.cleanEntityStorage({ removeEmptyEntities: true, releaseOrphanedLocks: true })).toEqual({ emptyEntitiesRemoved: 1, orphanedLocksReleased: 1, continuationToken: undefined });
    await waitFor('the queued signal after the release', async () => (await client.getEntity<number>(a, true))?.state === 11);
    expect((await client.getEntity(a))?.lockedBy).toBeUndefined();
  });
});
