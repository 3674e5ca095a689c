// Every durable-functions action becomes the core action the engine needs, with the ids the library expects
// (specs/durable-functions-protocol.md §3.3, §3.4.1, §4.3–4.4, §8), driven through the real library.

import * as df from 'durable-functions';
import type { OrchestratorAction, OrchestratorWorkItem } from '../../../src/core';
import { HTTP_ACTIVITY, runOrchestratorEpisode } from '../../../src/durable-functions';
import { OrchestrationDriver, summarize, T0 } from './support/orchestration-driver';

const iso = (ms: number) => new Date(ms).toISOString();
const ofType = <T extends OrchestratorAction['type']>(actions: OrchestratorAction[], type: T) =>
  actions.filter((a): a is Extract<OrchestratorAction, { type: T }> => a.type === type);

describe('activities (§3.3 action 0)', () => {
  it('schedules with the decoded input serialized once, and completes with the return value', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const a = yield context.df.callActivity('Hello', 'Tokyo');
      const b = yield context.df.callActivity('Hello', { x: 1 });
      return [a, b];
    });
    expect(await driver.episode()).toEqual([{ type: 'scheduleTask', id: 0, name: 'Hello', input: '"Tokyo"' }]);
    driver.completeTask(0, 'Hello Tokyo');
    expect(await driver.episode()).toEqual([{ type: 'scheduleTask', id: 1, name: 'Hello', input: '{"x":1}' }]);
    driver.completeTask(1, 'Hello object');
    expect(await driver.episode()).toEqual([{ type: 'completeOrchestration', id: 2, orchestrationStatus: 'Completed', result: '["Hello Tokyo","Hello object"]' }]);
  });

  it('completes with "null" when the orchestrator returns nothing', async () => {
    const driver = new OrchestrationDriver(function* () {});
    expect(await driver.episode()).toEqual([{ type: 'completeOrchestration', id: 0, orchestrationStatus: 'Completed', result: 'null' }]);
  });
});

describe('compound tasks (§3.4.1)', () => {
  it('allocates ids depth-first through Task.all and Task.any', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const inner = context.df.Task.any([context.df.callActivity('B'), context.df.createTimer(new Date(T0 + 60_000))]);
      const results = yield context.df.Task.all([context.df.callActivity('A'), inner, context.df.callActivity('C'), context.df.waitForExternalEvent('E')]);
      return results.length;
    });
    expect(summarize(await driver.episode())).toEqual(['0:task A', '1:task B', `2:timer ${iso(T0 + 60_000)}`, '3:task C']);
    driver.completeTask(0, 'a').completeTask(1, 'b').completeTask(3, 'c').raise('E', 1);
    expect(summarize(await driver.episode())).toEqual(['4:Completed']);
    expect(driver.output).toBe(4);
  });

  it('completes once Task.any has a winner, with the loser still outstanding (§3.5 step 6)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const timer = context.df.createTimer(new Date(T0 + 3_600_000));
      const event = context.df.waitForExternalEvent('Approval');
      const winner = yield context.df.Task.any([event, timer]);
      if (winner === event) timer.cancel();
      return winner === event ? event.result : 'timed out';
    });
    expect(summarize(await driver.episode())).toEqual([`0:timer ${iso(T0 + 3_600_000)}`]);
    driver.raise('Approval', 'ok');
    expect(summarize(await driver.episode())).toEqual(['1:Completed']);
    expect(driver.output).toBe('ok');
  });
});

describe('timers (§3.3 action 5, §8)', () => {
  it('uses one id and the final fire time even for a one-year timer', async () => {
    const year = 365 * 86_400_000;
    const driver = new OrchestrationDriver(function* (context: any) {
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + year));
      return context.df.currentUtcDateTime.toISOString();
    });
    expect(await driver.episode()).toEqual([{ type: 'createTimer', id: 0, fireAt: iso(T0 + year) }]);
    driver.fireTimer(0);
    expect(summarize(await driver.episode())).toEqual(['1:Completed']);
    expect(driver.output).toBe(iso(T0 + year));
  });
});

describe('external events (§3.3 action 6)', () => {
  it('consumes no id and takes an event raised before the orchestrator waits for it (§2.3 buffering)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const greeting = yield context.df.callActivity('Hello', 'Oslo');
      const data = yield context.df.waitForExternalEvent('Data');
      return { greeting, data };
    });
    await driver.episode();
    driver.raise('Data', { early: true });
    await driver.episode();
    driver.completeTask(0, 'Hello Oslo');
    expect(summarize(await driver.episode())).toEqual(['1:Completed']);
    expect(driver.output).toEqual({ greeting: 'Hello Oslo', data: { early: true } });
  });
});

describe('sub-orchestrations (§3.3 action 2)', () => {
  it('names the child "<execution id>:<event id>" when no id is given, and passes the raw input and version', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const a = yield context.df.callSubOrchestrator('Child', 'plain');
      const b = yield context.df.callSubOrchestrator('Child', { n: 1 }, 'my-child', 'v2');
      return [a, b];
    });
    expect(await driver.episode()).toEqual([{ type: 'createSubOrchestration', id: 0, instanceId: 'exec-1:0', name: 'Child', input: '"plain"' }]);
    driver.completeSubOrchestration(0, 'first');
    expect(await driver.episode()).toEqual([{ type: 'createSubOrchestration', id: 1, instanceId: 'my-child', name: 'Child', version: 'v2', input: '{"n":1}' }]);
    driver.completeSubOrchestration(1, 'second');
    await driver.episode();
    expect(driver.output).toEqual(['first', 'second']);
  });

  it('fails the orchestration when a child id would address an entity, itself or its parent, as .NET does', async () => {
    for (const [childId, reason] of [
      ['@counter@x', "'@counter@x' starts with '@', which is reserved for entities"],
      ['instance-1', "'instance-1' is the id of this orchestration or of its parent"],
      ['the-parent', "'the-parent' is the id of this orchestration or of its parent"],
    ]) {
      const driver = new OrchestrationDriver(function* (context: any) {
        yield context.df.callSubOrchestrator('Child', null, childId);
      }, { parentInstanceId: 'the-parent' });
      const [completion] = await driver.episode();
      expect(completion).toMatchObject({ orchestrationStatus: 'Failed', failureDetails: { errorType: 'OrchestratorProtocolError' } });
      expect(driver.output).toContain(reason);
    }
  });

  it('reports a child failure as "Orchestrator function \'<child>\' failed: <error>" (§5.2)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      try {
        yield context.df.callSubOrchestrator('Child');
      } catch (error) {
        return (error as Error).message;
      }
    });
    await driver.episode();
    driver.failSubOrchestration(0, 'child boom');
    await driver.episode();
    expect(driver.output).toMatch(/^Orchestrator function 'Child' failed: child boom \n /);
  });
});

describe('entities (§3.3 actions 7, 9; §4.3)', () => {
  it('signals with one id when called and calls with a request id the response is matched by', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const id = new df.EntityId('Counter', 'k1');
      context.df.signalEntity(id, 'add', 5);
      const value = yield context.df.callEntity(id, 'get');
      try {
        yield context.df.callEntity(id, 'fail');
      } catch (error) {
        return { value, error: (error as Error).message };
      }
    }, { newRequestId: (() => { let n = 0; return () => `request-${n++}`; })() });
    const first = await driver.episode();
    expect(first).toEqual([
      { type: 'sendEntityMessage', id: 0, message: { type: 'entityOperationSignaled', requestId: 'request-0', operation: 'add', input: '5', targetInstanceId: '@counter@k1' } },
      {
        type: 'sendEntityMessage',
        id: 1,
        message: { type: 'entityOperationCalled', requestId: 'request-1', operation: 'get', input: undefined, parentInstanceId: 'instance-1', parentExecutionId: 'exec-1', targetInstanceId: '@counter@k1' },
      },
    ]);
    driver.respondToEntityCall(1, 5);
    expect(summarize(await driver.episode())).toEqual(['2:entityOperationCalled']);
    driver.failEntityCall(2, 'counter operation failed');
    expect(summarize(await driver.episode())).toEqual(['3:Completed']);
    expect(driver.output).toEqual({ value: 5, error: 'counter operation failed' });
  });

  it('locks the sorted scheduler ids with one id and releases with one id per locked entity (§4.4)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const b = new df.EntityId('Account', 'bob');
      const a = new df.EntityId('Account', 'alice');
      const lock = yield context.df.lock([b, a]);
      const balance = yield context.df.callEntity(a, 'balance');
      lock.release();
      context.df.signalEntity(b, 'deposit', 1);
      return balance;
    });
    const [lock] = await driver.episode();
    expect(lock).toMatchObject({
      type: 'sendEntityMessage',
      id: 0,
      message: { type: 'entityLockRequested', lockSet: ['@account@alice', '@account@bob'], position: 0, parentInstanceId: 'instance-1' },
    });
    driver.grantLock(0);
    expect(summarize(await driver.episode())).toEqual(['1:entityOperationCalled']);
    driver.respondToEntityCall(1, 100);
    const last = await driver.episode();
    expect(summarize(last)).toEqual(['2:entityUnlockSent', '3:entityUnlockSent', '4:entityOperationSignaled', '5:Completed']);
    const unlocks = ofType(last, 'sendEntityMessage').map((a) => a.message).filter((m) => m.type === 'entityUnlockSent');
    const criticalSectionId = (lock as Extract<OrchestratorAction, { type: 'sendEntityMessage' }>).message;
    expect(unlocks).toEqual([
      { type: 'entityUnlockSent', criticalSectionId: (criticalSectionId as { criticalSectionId: string }).criticalSectionId, parentInstanceId: 'instance-1', targetInstanceId: '@account@alice' },
      { type: 'entityUnlockSent', criticalSectionId: (criticalSectionId as { criticalSectionId: string }).criticalSectionId, parentInstanceId: 'instance-1', targetInstanceId: '@account@bob' },
    ]);
    expect(driver.output).toBe(100);
  });
});

describe('callHttp (§3.3 action 8)', () => {
  it('schedules the built-in HTTP activity with the request and hands back the response', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const response = yield context.df.callHttp({ method: 'POST', url: 'http://example.test/x', body: { a: 1 }, headers: { 'x-test': '1' } });
      return [response.statusCode, response.content];
    });
    const [action] = await driver.episode();
    expect(action).toMatchObject({ type: 'scheduleTask', id: 0, name: HTTP_ACTIVITY });
    expect(JSON.parse((action as { input: string }).input)).toEqual({
      method: 'POST',
      uri: 'http://example.test/x',
      content: '{"a":1}',
      headers: { 'x-test': '1' },
      asynchronousPatternEnabled: true,
    });
    driver.completeTask(0, { statusCode: 201, headers: { 'content-type': 'text/plain' }, content: 'made' });
    await driver.episode();
    expect(driver.output).toEqual([201, 'made']);
  });
});

describe('continueAsNew (§3.3 action 4, §9.11)', () => {
  it('completes the execution as ContinuedAsNew with the new input, after the fire-and-forget actions before it', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const n = context.df.getInput();
      if (n >= 2) return `done after ${n}`;
      context.df.signalEntity(new df.EntityId('Counter', 'gen'), 'add', n);
      context.df.continueAsNew(n + 1);
      context.df.signalEntity(new df.EntityId('Counter', 'gen'), 'dropped');
    }, { input: 0 });
    expect(summarize(await driver.episode())).toEqual(['0:entityOperationSignaled', '1:ContinuedAsNew']);
    expect(driver.executionId).toBe('exec-2');
    expect(summarize(await driver.episode())).toEqual(['0:entityOperationSignaled', '1:ContinuedAsNew']);
    expect(await driver.episode()).toEqual([{ type: 'completeOrchestration', id: 0, orchestrationStatus: 'Completed', result: '"done after 2"' }]);
    expect(driver.invocations.map((i) => i.input)).toEqual([0, 1, 2]);
  });

  it('passes a string input through the library\'s extra encoding unchanged (§3.3 footnote)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      if (context.df.getInput() === 'again') return 'second generation';
      context.df.continueAsNew('again');
    });
    const [completion] = await driver.episode();
    expect(completion).toMatchObject({ orchestrationStatus: 'ContinuedAsNew', result: '"again"' });
    await driver.episode();
    expect(driver.output).toBe('second generation');
  });
});

describe('custom status (§3.1, §9.8)', () => {
  it('is sent when truthy and dropped when falsy', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      context.df.setCustomStatus({ step: 1 });
      yield context.df.waitForExternalEvent('Next');
      context.df.setCustomStatus(0);
      yield context.df.waitForExternalEvent('Next');
    });
    await driver.episode();
    expect(driver.customStatus).toBe('{"step":1}');
    driver.raise('Next');
    await driver.episode();
    expect(driver.customStatus).toBeUndefined();
  });

  it('fails the orchestration when its JSON exceeds 16 KB of UTF-16', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      context.df.setCustomStatus('x'.repeat(8200));
      yield context.df.waitForExternalEvent('Never');
    });
    const [completion] = await driver.episode();
    expect(completion).toMatchObject({ type: 'completeOrchestration', orchestrationStatus: 'Failed' });
    expect(driver.output).toMatch(/^Orchestrator function 'Orch' failed: The UTF-16 size of the JSON-serialized custom status must not exceed 16 KB, but it is 16\.0 KB/);
  });
});

describe('failures (§3.2)', () => {
  it('fails with "Orchestrator function \'<name>\' failed: <error>" at the next free id', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      context.df.signalEntity(new df.EntityId('Audit', 'log'), 'record', 'about to fail');
      yield context.df.callActivity('Never');
      throw new Error('orchestrator boom');
    }, { name: 'Throws' });
    await driver.episode();
    driver.completeTask(1, 'x');
    const actions = await driver.episode();
    expect(actions).toEqual([
      {
        type: 'completeOrchestration',
        id: 2,
        orchestrationStatus: 'Failed',
        result: JSON.stringify("Orchestrator function 'Throws' failed: orchestrator boom"),
        failureDetails: { errorType: 'Error', errorMessage: 'orchestrator boom' },
      },
    ]);
  });

  it('sends the fire-and-forget actions of the failing episode itself', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      context.df.signalEntity(new df.EntityId('Audit', 'log'), 'record');
      throw new Error('boom');
    });
    expect(summarize(await driver.episode())).toEqual(['0:entityOperationSignaled', '1:Failed']);
  });

  it('lets the orchestrator see an activity failure as "Activity function \'<name>\' failed: <message>" (§5.2)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      try {
        yield context.df.callActivity('Boom', 'kaboom');
      } catch (error) {
        return (error as Error).message;
      }
    });
    await driver.episode();
    driver.failTask(0, 'kaboom');
    await driver.episode();
    expect(driver.output).toMatch(/^Activity function 'Boom' failed: kaboom \n \{"\$type":"System.Exception","Message":"kaboom"/);
  });

  it('fails the orchestration with the activity failure text when it is not caught', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return yield context.df.callActivity('Boom', 'kaboom');
    }, { name: 'CallsBoom' });
    await driver.episode();
    driver.failTask(0, 'kaboom');
    await driver.episode();
    expect(driver.output).toMatch(/^Orchestrator function 'CallsBoom' failed: Activity function 'Boom' failed: kaboom/);
  });

  it('reports the library\'s own errors, such as yielding something that is not a task', async () => {
    const driver = new OrchestrationDriver(function* () {
      yield 'not a task';
    });
    await driver.episode();
    expect(driver.output).toMatch(/^Orchestrator function 'Orch' failed: Durable Functions programming constraint violation/);
  });

  const firstEpisode: OrchestratorWorkItem = {
    kind: 'orchestrator',
    instanceId: 'i',
    executionId: 'e',
    pastEvents: [],
    newEvents: [
      { type: 'orchestratorStarted', eventId: -1, timestamp: iso(T0) },
      { type: 'executionStarted', eventId: -1, timestamp: iso(T0), name: 'Plain', orchestrationInstance: { instanceId: 'i', executionId: 'e' } },
    ],
    completionToken: 't',
  };

  it('fails with the prefix when the function throws without the $OutOfProcData$ marker', async () => {
    const result = await runOrchestratorEpisode(firstEpisode, async () => {
      throw new Error('Could not find an orchestrationClient binding on context.');
    });
    expect(result.actions).toEqual([
      {
        type: 'completeOrchestration',
        id: 0,
        orchestrationStatus: 'Failed',
        result: JSON.stringify("Orchestrator function 'Plain' failed: Could not find an orchestrationClient binding on context."),
        failureDetails: { errorType: 'Error', errorMessage: 'Could not find an orchestrationClient binding on context.' },
      },
    ]);
  });

  it('fails with a clear message when the function is not a durable-functions orchestrator', async () => {
    const result = await runOrchestratorEpisode(firstEpisode, async () => 'hello');
    expect(result.actions[0]).toMatchObject({ orchestrationStatus: 'Failed' });
    expect((result.actions[0] as { result: string }).result).toContain('register orchestrators with df.app.orchestration');
  });

  it('enforces MaxOrchestrationActions (§9.8)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      yield context.df.Task.all([1, 2, 3, 4].map((n) => context.df.callActivity('A', n)));
    }, { maxOrchestrationActions: 3 });
    await driver.episode();
    expect(driver.completion?.orchestrationStatus).toBe('Failed');
    expect(driver.output).toMatch(/scheduled 4 actions, more than the maximum of 3/);
  });
});

describe('replay (§2.4, §9.5)', () => {
  it('reports isReplaying true for code before the latest event and false after it, so guarded logs print once', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const seen = [context.df.isReplaying];
      if (!context.df.isReplaying) context.log('start');
      yield context.df.callActivity('A');
      seen.push(context.df.isReplaying);
      if (!context.df.isReplaying) context.log('after A');
      yield context.df.callActivity('B');
      seen.push(context.df.isReplaying);
      if (!context.df.isReplaying) context.log('after B');
      return seen;
    });
    await driver.episode();
    driver.completeTask(0, 'a');
    await driver.episode();
    driver.completeTask(1, 'b');
    await driver.episode();
    expect(driver.output).toEqual([true, true, false]);
    expect(driver.logs).toEqual(['start', 'after A', 'after B']);
  });

  it('keeps currentUtcDateTime at the time of the episode being replayed', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const times = [context.df.currentUtcDateTime.toISOString()];
      yield context.df.callActivity('A');
      times.push(context.df.currentUtcDateTime.toISOString());
      return times;
    });
    await driver.episode();
    driver.advance(5000).completeTask(0, 'a');
    await driver.episode();
    expect(driver.output).toEqual([iso(T0), iso(T0 + 5000)]);
  });
});
