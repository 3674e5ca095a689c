// Retries allocate ids while the library processes events (specs/durable-functions-protocol.md §3.4.2, §3.4.3):
// a timer after every failed attempt, including the last, and the next attempt after the timer fires.

import * as df from 'durable-functions';
import { RETRY_TIMEOUT_EXPIRED_ACTIVITY } from '../../../src/durable-functions';
import { runBuiltInActivity } from '../../../src/worker';
import { OrchestrationDriver, summarize, T0 } from './support/orchestration-driver';

const iso = (ms: number) => new Date(ms).toISOString();

function retry(first: number, attempts: number, extra: Partial<df.RetryOptions> = {}): df.RetryOptions {
  return Object.assign(new df.RetryOptions(first, attempts), extra);
}

/** How far after its episode each retry timer was set to fire. */
function timerDelays(driver: OrchestrationDriver): number[] {
  return driver.history.filter((e) => e.type === 'timerCreated').map((e) => Date.parse((e as { fireAt: string }).fireAt) - Date.parse(e.timestamp));
}

describe('activity retries', () => {
  it('uses ids attempt, timer, attempt, timer, attempt and succeeds on the third attempt', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return yield context.df.callActivityWithRetry('Flaky', retry(1000, 3, { backoffCoefficient: 2 }), 'in');
    });
    expect(summarize(await driver.episode())).toEqual(['0:task Flaky']);
    driver.advance(100).failTask(0, 'first');
    expect(summarize(await driver.episode())).toEqual([`1:timer ${iso(T0 + 1100)}`]);
    driver.fireTimer(1);
    expect(await driver.episode()).toEqual([{ type: 'scheduleTask', id: 2, name: 'Flaky', input: '"in"' }]);
    driver.advance(100).failTask(2, 'second');
    expect(summarize(await driver.episode())).toEqual([`3:timer ${iso(T0 + 1200 + 2000)}`]);
    driver.fireTimer(3);
    expect(summarize(await driver.episode())).toEqual(['4:task Flaky']);
    driver.completeTask(4, 'finally');
    expect(summarize(await driver.episode())).toEqual(['5:Completed']);
    expect(driver.output).toBe('finally');
  });

  it('creates a timer after the last attempt too, then fails with the last error', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return yield context.df.callActivityWithRetry('Flaky', retry(1000, 2), 'in');
    });
    await driver.episode();
    driver.failTask(0, 'first');
    await driver.episode();
    driver.fireTimer(1);
    await driver.episode();
    driver.failTask(2, 'second');
    expect(summarize(await driver.episode())).toEqual([`3:timer ${iso(T0 + 2000)}`]);
    driver.fireTimer(3);
    expect(summarize(await driver.episode())).toEqual(['4:Failed']);
    expect(driver.output).toMatch(/^Orchestrator function 'Orch' failed: Activity function 'Flaky' failed: second \n /);
    expect(driver.output).not.toContain('first');
  });

  it('backs off by first · coefficient^(attempt−1), capped by the max interval (DTFx ComputeNextDelay)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      try {
        yield context.df.callActivityWithRetry('Flaky', retry(1000, 5, { backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 3000 }));
      } catch {
        return 'gave up';
      }
    });
    await driver.episode();
    let attemptId = 0;
    for (let attempt = 1; attempt <= 5; attempt++) {
      driver.failTask(attemptId, `attempt ${attempt}`);
      const [timer] = await driver.episode();
      driver.fireTimer(timer.id);
      const [next] = await driver.episode();
      attemptId = next.id;
    }
    expect(timerDelays(driver)).toEqual([1000, 2000, 3000, 3000, 3000]);
    expect(driver.output).toBe('gave up');
  });

  it('honours retryTimeoutInMilliseconds: past the timeout the remaining attempts fail at once with the last failure', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return yield context.df.callActivityWithRetry('Flaky', retry(4000, 5, { retryTimeoutInMilliseconds: 5000 }), 'in');
    });
    await driver.episode();
    driver.advance(1000).failTask(0, 'first'); // 1 s after the first attempt: within the timeout
    expect(summarize(await driver.episode())).toEqual([`1:timer ${iso(T0 + 5000)}`]);
    driver.fireTimer(1);
    expect(summarize(await driver.episode())).toEqual(['2:task Flaky']);
    driver.advance(1000).failTask(2, 'second'); // 6 s: past the timeout, so no more real attempts
    expect(summarize(await driver.episode())).toEqual([`3:timer ${iso(T0 + 6000)}`]);

    // The library still waits for attempts 3–5; each is a built-in activity replaying 'second', each followed by a timer that fires now.
    let timerId = 3;
    for (let attempt = 3; attempt <= 5; attempt++) {
      driver.fireTimer(timerId);
      const [stand_in] = await driver.episode();
      expect(stand_in).toMatchObject({ type: 'scheduleTask', name: RETRY_TIMEOUT_EXPIRED_ACTIVITY });
      const { failureDetails } = await runBuiltInActivity({
        kind: 'activity',
        name: RETRY_TIMEOUT_EXPIRED_ACTIVITY,
        input: (stand_in as { input: string }).input,
        instanceId: driver.instanceId,
        executionId: driver.executionId,
        taskId: stand_in.id,
        completionToken: 'a',
      });
      driver.failTaskWith(stand_in.id, failureDetails!);
      const [timer] = await driver.episode();
      expect(timer).toMatchObject({ type: 'createTimer', fireAt: iso(driver.now) });
      timerId = timer.id;
    }
    driver.fireTimer(timerId);
    await driver.episode();
    expect(driver.completion?.orchestrationStatus).toBe('Failed');
    expect(driver.output).toMatch(/^Orchestrator function 'Orch' failed: Activity function 'Flaky' failed: second \n /);
  });
});

describe('sub-orchestration retries', () => {
  it('creates a new child for every attempt and reports the child failure text', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      try {
        return yield context.df.callSubOrchestratorWithRetry('Child', retry(1000, 2), { n: 1 });
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(await driver.episode()).toEqual([{ type: 'createSubOrchestration', id: 0, instanceId: 'exec-1:0', name: 'Child', input: '{"n":1}' }]);
    driver.failSubOrchestration(0, 'child failed once');
    await driver.episode();
    driver.fireTimer(1);
    expect(await driver.episode()).toEqual([{ type: 'createSubOrchestration', id: 2, instanceId: 'exec-1:2', name: 'Child', input: '{"n":1}' }]);
    driver.failSubOrchestration(2, 'child failed twice');
    await driver.episode();
    driver.fireTimer(3);
    await driver.episode();
    expect(driver.output).toMatch(/^Orchestrator function 'Child' failed: child failed twice/);
  });
});

describe('order of static and dynamic ids within one episode (§3.4.3)', () => {
  // Ids 0 (Flaky, retried) and 1 (B) race in Task.any; when B wins, the code yields C.
  function* raceThenC(context: any): Generator<unknown, unknown, any> {
    const retried = context.df.callActivityWithRetry('Flaky', retry(1000, 3));
    const first = yield context.df.Task.any([retried, context.df.callActivity('B')]);
    if (!context.df.isReplaying) context.log('after the race');
    const c = yield context.df.callActivity('C');
    const flaky = yield retried;
    return { first: first.result, c, flaky };
  }

  it('allocates C before the retry timer when B completes before the failure arrives', async () => {
    const driver = new OrchestrationDriver(raceThenC);
    expect(summarize(await driver.episode())).toEqual(['0:task Flaky', '1:task B']);
    driver.completeTask(1, 'b').advance(10).failTask(0, 'flaky failed');
    // The library resumes the code after B (C gets id 2) and then processes the failure (timer gets id 3).
    expect(summarize(await driver.episode())).toEqual([`3:timer ${iso(T0 + 1010)}`, '2:task C']);
    expect(driver.invocations).toHaveLength(3); // the episode replayed once more, cut before the failure
    expect(driver.logs).toEqual(['after the race']);
    driver.completeTask(2, 'c');
    await driver.episode();
    driver.fireTimer(3);
    expect(summarize(await driver.episode())).toEqual(['4:task Flaky']);
    driver.completeTask(4, 'flaky ok');
    await driver.episode();
    expect(driver.output).toEqual({ first: 'b', c: 'c', flaky: 'flaky ok' });
  });

  it('allocates the retry timer before C when the failure arrives first', async () => {
    const driver = new OrchestrationDriver(raceThenC);
    await driver.episode();
    driver.failTask(0, 'flaky failed').completeTask(1, 'b');
    expect(summarize(await driver.episode())).toEqual([`2:timer ${iso(T0 + 1000)}`, '3:task C']);
    expect(driver.invocations).toHaveLength(2); // the trigger came first: one invocation suffices
    driver.fireTimer(2).completeTask(3, 'c');
    expect(summarize(await driver.episode())).toEqual(['4:task Flaky']);
    driver.completeTask(4, 'flaky ok');
    await driver.episode();
    expect(driver.output).toEqual({ first: 'b', c: 'c', flaky: 'flaky ok' });
  });

  it('allocates one timer per failure, in event order, when several retried calls fail in one episode', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return yield context.df.Task.all([
        context.df.callActivityWithRetry('A', retry(1000, 2)),
        context.df.callActivityWithRetry('B', retry(5000, 2)),
        context.df.callActivity('C'),
      ]);
    });
    expect(summarize(await driver.episode())).toEqual(['0:task A', '1:task B', '2:task C']);
    driver.failTask(1, 'b failed').failTask(0, 'a failed').completeTask(2, 'c');
    expect(summarize(await driver.episode())).toEqual([`3:timer ${iso(T0 + 5000)}`, `4:timer ${iso(T0 + 1000)}`]);
    driver.fireTimer(3).fireTimer(4);
    expect(summarize(await driver.episode())).toEqual(['5:task B', '6:task A']);
    driver.completeTask(5, 'b').completeTask(6, 'a');
    await driver.episode();
    expect(driver.output).toEqual(['a', 'b', 'c']);
  });

  it('replays no extra time when nothing was yielded between the triggers', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return yield context.df.Task.all([
        context.df.callActivityWithRetry('A', retry(1000, 2)),
        context.df.callActivity('B'),
        context.df.callActivityWithRetry('C', retry(1000, 2)),
        context.df.callActivity('D'),
      ]);
    });
    await driver.episode();
    driver.completeTask(1, 'b').failTask(0, 'a failed').completeTask(3, 'd').failTask(2, 'c failed');
    expect(summarize(await driver.episode())).toEqual([`4:timer ${iso(T0 + 1000)}`, `5:timer ${iso(T0 + 1000)}`]);
    expect(driver.invocations).toHaveLength(2);
    driver.fireTimer(4).fireTimer(5);
    expect(summarize(await driver.episode())).toEqual(['6:task A', '7:task C']);
    driver.completeTask(6, 'a').completeTask(7, 'c');
    await driver.episode();
    expect(driver.output).toEqual(['a', 'b', 'c', 'd']);
  });
});
