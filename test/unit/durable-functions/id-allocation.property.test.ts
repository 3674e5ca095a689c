// Property: whatever the mix of fan-outs, retries, races, timers and signals, and in whatever batches and order the
// engine delivers completions, every completion reaches the task the library expects — so the orchestration ends
// with exactly the output a model predicts (specs/durable-functions-protocol.md §3.4). A wrong id would deliver a
// result to another task, or leave the library waiting forever.

import fc from 'fast-check';
import * as df from 'durable-functions';
import { OrchestrationDriver } from './support/orchestration-driver';

interface Call {
  name: string;
  /** 0 = plain callActivity, otherwise maxNumberOfAttempts of callActivityWithRetry. */
  attempts: number;
  /** How many times the activity fails before it succeeds. */
  failures: number;
}
type Step = { kind: 'all'; calls: Call[] } | { kind: 'sequence'; calls: Call[] } | { kind: 'race'; retried: Call; plain: Call } | { kind: 'timer' };

const succeeds = (call: Call) => call.failures < Math.max(call.attempts, 1);
const lastAttempt = (call: Call) => (succeeds(call) ? call.failures + 1 : Math.max(call.attempts, 1));
const value = (call: Call) => `${call.name}#${lastAttempt(call)}`;
const caught = (call: Call) => `Activity function '${call.name}' failed: ${call.name} attempt ${lastAttempt(call)} failed`;

function* orchestrator(context: any): Generator<unknown, unknown, any> {
  const steps: Step[] = context.df.getInput();
  const call = (c: Call) =>
    c.attempts > 0 ? context.df.callActivityWithRetry(c.name, new df.RetryOptions(1000, c.attempts), c.name) : context.df.callActivity(c.name, c.name);
  const results: unknown[] = [];
  const races: unknown[] = [];
  for (const [index, step] of steps.entries()) {
    context.df.signalEntity(new df.EntityId('Progress', 'p'), 'step', index);
    if (step.kind === 'all') {
      results.push(yield context.df.Task.all(step.calls.map(call)));
    } else if (step.kind === 'sequence') {
      for (const c of step.calls) {
        try {
          results.push(yield call(c));
        } catch (error) {
          results.push((error as Error).message.split(' \n ')[0]);
        }
      }
    } else if (step.kind === 'race') {
      const tasks = [call(step.retried), call(step.plain)];
      yield context.df.Task.any(tasks);
      races.push(...tasks);
    } else {
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
      results.push('tick');
    }
  }
  const raced: unknown[] = [];
  for (const task of races) raced.push(yield task);
  return { results, raced };
}

function expected(steps: Step[]) {
  const results: unknown[] = [];
  const raced: unknown[] = [];
  for (const step of steps) {
    if (step.kind === 'all') results.push(step.calls.map(value));
    else if (step.kind === 'sequence') results.push(...step.calls.map((c) => (succeeds(c) ? value(c) : caught(c))));
    else if (step.kind === 'race') raced.push(value(step.retried), value(step.plain));
    else results.push('tick');
  }
  return { results, raced };
}

const call = (mustSucceed: boolean) =>
  fc
    .record({ attempts: fc.integer({ min: 0, max: 3 }), failures: fc.integer({ min: 0, max: 3 }) })
    .map(({ attempts, failures }) => ({ name: '', attempts, failures: mustSucceed ? Math.min(failures, Math.max(attempts, 1) - 1) : failures }));
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('all' as const), calls: fc.array(call(true), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('sequence' as const), calls: fc.array(call(false), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('race' as const), retried: call(true).map((c) => ({ ...c, attempts: Math.max(c.attempts, 2) })), plain: call(true) }),
  fc.constant({ kind: 'timer' as const }),
);
/** Unique activity names, so the test can count each one's attempts. */
const plan = fc.array(step, { minLength: 1, maxLength: 5 }).map((steps) => {
  let n = 0;
  const named = (c: Call) => ({ ...c, name: `A${n++}` });
  return steps.map((s): Step => (s.kind === 'all' || s.kind === 'sequence' ? { ...s, calls: s.calls.map(named) } : s.kind === 'race' ? { ...s, retried: named(s.retried), plain: named(s.plain) } : s));
});

async function runToCompletion(steps: Step[], pick: (count: number) => number): Promise<OrchestrationDriver> {
  const calls = new Map(steps.flatMap((s) => (s.kind === 'all' || s.kind === 'sequence' ? s.calls : s.kind === 'race' ? [s.retried, s.plain] : [])).map((c) => [c.name, c]));
  const attemptsSeen = new Map<string, number>();
  const driver = new OrchestrationDriver(orchestrator, { input: steps });
  const answered = new Set<number>();
  for (let episode = 0; episode < 500 && !driver.completion; episode++) {
    await driver.episode();
    if (driver.completion) break;
    const open = driver.history.filter((e) => (e.type === 'taskScheduled' || e.type === 'timerCreated') && e.eventId >= 0 && !answered.has(e.eventId));
    // Deliver a random, non-empty batch of the open work, in random order.
    const batch: typeof open = [];
    const size = 1 + pick(open.length);
    while (batch.length < size && open.length > 0) batch.push(...open.splice(pick(open.length), 1));
    for (const event of batch) {
      answered.add(event.eventId);
      if (event.type === 'timerCreated') {
        driver.fireTimer(event.eventId);
        continue;
      }
      const { name } = event as { name: string };
      const attempt = (attemptsSeen.get(name) ?? 0) + 1;
      attemptsSeen.set(name, attempt);
      if (attempt <= calls.get(name)!.failures) driver.failTask(event.eventId, `${name} attempt ${attempt} failed`);
      else driver.completeTask(event.eventId, `${name}#${attempt}`);
    }
  }
  return driver;
}

it('delivers every completion to the task the library expects, for any plan and delivery order', async () => {
  await fc.assert(
    fc.asyncProperty(plan, fc.infiniteStream(fc.nat()), async (steps, randoms) => {
      const driver = await runToCompletion(steps, (count) => (count === 0 ? 0 : randoms.next().value % count));
      expect(driver.completion).toMatchObject({ orchestrationStatus: 'Completed' });
      expect(driver.output).toEqual(expected(steps));
      const ids = driver.history.filter((e) => e.eventId >= 0).map((e) => e.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));
    }),
    { numRuns: 150 },
  );
});
