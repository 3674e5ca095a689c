// GrpcTaskHub (the azureManaged provider's task hub) against a real `durable-runtime emulator` child process,
// driven by a scripted worker: the client operations the HTTP API and the durableClient binding use, the
// worker's stream, and the start-up errors a wrong setting gives (specs/backends.md Part B).

import type { HistoryEvent, Logger, OrchestratorAction } from '../../src/core';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError } from '../../src/taskhub';
import { GrpcTaskHub, parseSchedulerConnectionString, SchedulerConnectionError } from '../../src/taskhub/grpc';
import { freePort } from '../support/cli-process';
import { schedulerConnectionString, startEmulator, type EmulatorProcess } from '../support/emulator-process';
import { ScriptedWorker, type EpisodeView, type Scripts } from '../support/scripted-worker';
import { eventually } from '../support/wait-for';

const complete = (id: number, result?: string): OrchestratorAction => ({ type: 'completeOrchestration', id, orchestrationStatus: 'Completed', result });

function answer(history: HistoryEvent[], id: number): HistoryEvent | undefined {
  return history.find((e) => (e.type === 'taskCompleted' || e.type === 'taskFailed') && e.taskScheduledId === id);
}

/** Calls Hello for each city in turn, then returns the results as a JSON array. */
function sequence(...cities: string[]) {
  return ({ history }: EpisodeView): OrchestratorAction[] => {
    const results: string[] = [];
    for (let id = 0; id < cities.length; id++) {
      if (!history.some((e) => e.type === 'taskScheduled' && e.eventId === id)) return [{ type: 'scheduleTask', id, name: 'Hello', input: JSON.stringify(cities[id]) }];
      const done = answer(history, id);
      if (done?.type !== 'taskCompleted') return [];
      results.push(done.result ?? 'null');
    }
    return [complete(cities.length, `[${results.join(',')}]`)];
  };
}

function waitForEvent(name: string) {
  return ({ history }: EpisodeView): OrchestratorAction[] => {
    const event = history.find((e): e is Extract<HistoryEvent, { type: 'eventRaised' }> => e.type === 'eventRaised' && e.name === name);
    return event ? [complete(0, event.input)] : [];
  };
}

const SCRIPTS: Scripts = {
  orchestrators: { Sequence: sequence('Tokyo', 'Paris'), Wait: waitForEvent('Go') },
  activities: { Hello: (input) => JSON.stringify(`Hello ${JSON.parse(input ?? 'null')}`) },
  entities: {
    counter: (state, operation, input) => {
      const value = Number(state ?? '0');
      if (operation === 'add') return { state: String(value + Number(input ?? '0')) };
      return { state, result: String(value) };
    },
  },
};

const logs: string[] = [];
const logger: Logger = { debug: () => undefined, info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };

let emulator: EmulatorProcess;
let hub: GrpcTaskHub;
let worker: ScriptedWorker;

function openHub(connectionString: string, taskHub = 'grpc-tests'): GrpcTaskHub {
  return new GrpcTaskHub({
    connection: parseSchedulerConnectionString(connectionString, 'TEST_CONNECTION'),
    taskHub,
    settingName: 'TEST_CONNECTION',
    concurrency: { orchestrator: 4, activity: 4, entity: 4 },
    logger,
    connectTimeoutMs: 3000,
  });
}

beforeAll(async () => {
  emulator = await startEmulator();
  hub = openHub(schedulerConnectionString(emulator));
  await hub.start();
  worker = new ScriptedWorker(hub, SCRIPTS).start();
});

afterAll(async () => {
  await worker?.stop();
  await hub?.stop();
  await emulator?.stop();
});

describe('orchestrations over the Scheduler protocol', () => {
  it('runs a sequence of activities and shows the history', async () => {
    const id = await hub.startOrchestration({ name: 'Sequence', input: '"x"' });
    expect(await hub.waitForCompletion(id)).toMatchObject({ instanceId: id, name: 'Sequence', status: 'Completed', input: '"x"', output: '["Hello Tokyo","Hello Paris"]' });
    const state = await hub.getOrchestration(id, { includeHistory: true });
    const types = state!.history!.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['executionStarted', 'taskScheduled', 'taskCompleted', 'executionCompleted']));
    expect(types.filter((type) => type === 'taskCompleted')).toHaveLength(2);
  });

  it('delivers a raised event, and refuses events for unknown and finished instances as the extension does', async () => {
    const id = await hub.startOrchestration({ name: 'Wait', instanceId: `wait-${Date.now()}` });
    await eventually(async () => (await hub.getOrchestration(id))?.status === 'Running' || undefined, 'the orchestration to run');
    await hub.raiseEvent(id, 'Go', '"green"');
    expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Completed', output: '"green"' });
    await expect(hub.raiseEvent(id, 'Go', '1')).rejects.toBeInstanceOf(InvalidInstanceStateError);
    await expect(hub.raiseEvent('no-such-instance', 'Go')).rejects.toBeInstanceOf(InstanceNotFoundError);
    expect(await hub.getOrchestration('no-such-instance')).toBeUndefined();
  });

  it('suspends, resumes and terminates', async () => {
    const id = await hub.startOrchestration({ name: 'Wait' });
    await eventually(async () => (await hub.getOrchestration(id))?.status === 'Running' || undefined, 'the orchestration to run');
    await hub.suspend(id, 'pause');
    await eventually(async () => (await hub.getOrchestration(id))?.status === 'Suspended' || undefined, 'Suspended');
    await hub.resume(id, 'go on');
    await eventually(async () => (await hub.getOrchestration(id))?.status === 'Running' || undefined, 'Running again');
    await hub.terminate(id, 'enough');
    expect(await hub.waitForCompletion(id)).toMatchObject({ status: 'Terminated' });
    await expect(hub.rewind(id)).rejects.toBeInstanceOf(InvalidInstanceStateError);
  });

  it('refuses a second start of a running instance id and replaces a finished one', async () => {
    const id = `reuse-${Date.now()}`;
    await hub.startOrchestration({ name: 'Wait', instanceId: id });
    await expect(hub.startOrchestration({ name: 'Wait', instanceId: id })).rejects.toBeInstanceOf(InstanceExistsError);
    await hub.terminate(id);
    await hub.waitForCompletion(id);
    await hub.startOrchestration({ name: 'Sequence', instanceId: id });
    expect(await hub.waitForCompletion(id)).toMatchObject({ name: 'Sequence', status: 'Completed' });
  });

  it('queries page by page and purges finished instances', async () => {
    const prefix = `page-${Date.now()}-`;
    for (const n of [1, 2, 3]) await hub.startOrchestration({ name: 'Sequence', instanceId: `${prefix}${n}` });
    for (const n of [1, 2, 3]) await hub.waitForCompletion(`${prefix}${n}`);
    const first = await hub.queryOrchestrations({ instanceIdPrefix: prefix, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.continuationToken).toBeDefined();
    const second = await hub.queryOrchestrations({ instanceIdPrefix: prefix, pageSize: 2, continuationToken: first.continuationToken });
    expect([...first.items, ...second.items].map((s) => s.instanceId).sort()).toEqual([1, 2, 3].map((n) => `${prefix}${n}`));
    expect(await hub.purge(`${prefix}1`)).toBe(1);
    expect(await hub.getOrchestration(`${prefix}1`)).toBeUndefined();
    expect(await hub.purge(`${prefix}1`)).toBe(0);
  });
});

describe('results the Scheduler no longer expects', () => {
  it('drops a completion whose work item the Scheduler no longer holds, with a warning, instead of failing the worker', async () => {
    await hub.completeActivityWorkItem({ instanceId: 'gone', taskId: 1, result: '1', completionToken: 'no-such-token' });
    expect(logs.join('\n')).toContain("Lost the lock on 'gone'");
  });
});

describe('entities over the Scheduler protocol', () => {
  it('signals an entity and reads and queries its state', async () => {
    const key = `k${Date.now()}`;
    await hub.signalEntity(`@Counter@${key}`, 'add', '5');
    await hub.signalEntity(`@counter@${key}`, 'add', '2');
    const entity = await eventually(async () => {
      const state = await hub.getEntity(`@counter@${key}`);
      return state?.state === '7' ? state : undefined;
    }, 'the counter to reach 7');
    expect(entity).toMatchObject({ instanceId: `@counter@${key}`, name: 'counter', key });
    const page = await hub.queryEntities({ instanceIdPrefix: '@counter@', includeState: true });
    expect(page.items.find((item) => item.key === key)?.state).toBe('7');
  });
});

describe('start-up errors name the setting and what to do', () => {
  it('reports an endpoint where nothing answers', async () => {
    const port = await freePort();
    const lonely = openHub(`Endpoint=http://localhost:${port};Authentication=None`);
    const error = await lonely.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerConnectionError);
    expect((error as Error).message).toContain(`Nothing answers at http://localhost:${port} (the Endpoint in TEST_CONNECTION)`);
  });

  it('reports a task hub the Scheduler does not have', async () => {
    const fixed = await startEmulator({ args: ['--task-hubs', 'known'] });
    try {
      const error = await openHub(schedulerConnectionString(fixed), 'unknown').start().catch((e: unknown) => e);
      expect((error as Error).message).toContain(`has no task hub 'unknown'`);
    } finally {
      await fixed.stop();
    }
  });
});
