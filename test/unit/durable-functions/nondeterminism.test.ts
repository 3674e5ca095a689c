// Replays must schedule what history recorded (specs/durable-functions-protocol.md §9.1): a changed name or type,
// or a shrinking action list, fails the orchestration with a message naming the instance, the position, what
// history recorded and what the code did now.

import * as df from 'durable-functions';
import { OrchestrationDriver } from './support/orchestration-driver';

/** An orchestrator whose code the test can change between episodes, like a redeployment mid-flight. */
function changeable(first: (context: any) => unknown, later: (context: any) => unknown) {
  const state = { changed: false };
  const driver = new OrchestrationDriver(
    function* (context: any) {
      yield (state.changed ? later : first)(context);
      yield context.df.waitForExternalEvent('continue');
      return 'done';
    },
    { instanceId: 'nd-1', name: 'Nondeterministic' },
  );
  return { driver, change: () => (state.changed = true) };
}

async function failureAfterChange(first: (context: any) => unknown, later: (context: any) => unknown): Promise<string> {
  const { driver, change } = changeable(first, later);
  await driver.episode();
  driver.completeTask(0, 'ok');
  await driver.episode();
  change();
  driver.raise('continue');
  const [completion] = await driver.episode();
  expect(completion).toMatchObject({ type: 'completeOrchestration', orchestrationStatus: 'Failed', failureDetails: { errorType: 'NonDeterministicOrchestrationError' } });
  return String(driver.output);
}

it('fails when an activity name changed, naming instance, position, recorded and current calls', async () => {
  const message = await failureAfterChange(
    (context) => context.df.callActivity('SayHello', 'x'),
    (context) => context.df.callActivity('Add', 'x'),
  );
  expect(message).toBe(
    "Orchestrator function 'Nondeterministic' failed: Non-Deterministic workflow detected in orchestration 'Nondeterministic' (instance 'nd-1'): " +
      "a previous execution of this orchestration scheduled an activity task named 'SayHello' with sequence number 0, " +
      "but the current replay scheduled an activity task named 'Add' at that position instead. " +
      'Orchestrator code must make the same calls in the same order on every replay; was the code changed while this instance was running?',
  );
});

it('fails when the kind of task changed', async () => {
  const message = await failureAfterChange(
    (context) => context.df.callActivity('SayHello'),
    (context) => context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000)),
  );
  expect(message).toContain("scheduled an activity task named 'SayHello' with sequence number 0, but the current replay scheduled a durable timer at that position instead");
});

it('accepts names that differ only in case, as DTFx compares them', async () => {
  const { driver, change } = changeable(
    (context) => context.df.callActivity('SayHello'),
    (context) => context.df.callActivity('sayhello'),
  );
  await driver.episode();
  driver.completeTask(0, 'ok');
  await driver.episode();
  change();
  driver.raise('continue');
  await driver.episode();
  expect(driver.completion).toMatchObject({ orchestrationStatus: 'Completed' });
});

it('fails when an entity call targets another entity', async () => {
  const { driver, change } = changeable(
    (context) => context.df.callEntity(new df.EntityId('Counter', 'a'), 'get'),
    (context) => context.df.callEntity(new df.EntityId('Counter', 'b'), 'get'),
  );
  await driver.episode();
  driver.respondToEntityCall(0, 1);
  await driver.episode();
  change();
  driver.raise('continue');
  await driver.episode();
  expect(driver.output).toContain("a call of operation 'get' on entity '@counter@a' with sequence number 0, but the current replay scheduled a call of operation 'get' on entity '@counter@b'");
});

it('fails when the action list shrank below what history recorded', async () => {
  const state = { changed: false };
  const driver = new OrchestrationDriver(
    function* (context: any) {
      const tasks = [context.df.callActivity('A')];
      if (!state.changed) tasks.push(context.df.callActivity('B'));
      yield context.df.Task.all(tasks);
      yield context.df.waitForExternalEvent('continue');
    },
    { instanceId: 'nd-2', name: 'Shrinks' },
  );
  await driver.episode();
  state.changed = true;
  driver.completeTask(0, 'a');
  await driver.episode();
  expect(driver.completion?.orchestrationStatus).toBe('Failed');
  expect(driver.output).toContain("(instance 'nd-2'): a previous execution of this orchestration scheduled an activity task named 'B' with sequence number 1, but the current replay scheduled nothing at that position");
});

it('fails when a retry was added to a call that history recorded without one', async () => {
  const state = { changed: false };
  const driver = new OrchestrationDriver(
    function* (context: any) {
      const call = state.changed ? context.df.callActivityWithRetry('A', new df.RetryOptions(1000, 2)) : context.df.callActivity('A');
      try {
        yield call;
      } catch {
        yield context.df.callActivity('Recover');
      }
      return 'done';
    },
    { instanceId: 'nd-3' },
  );
  await driver.episode();
  driver.failTask(0, 'a failed');
  expect((await driver.episode()).map((a) => a.type)).toEqual(['scheduleTask']); // id 1: Recover
  state.changed = true;
  driver.completeTask(1, 'recovered');
  await driver.episode();
  expect(driver.completion?.orchestrationStatus).toBe('Failed');
  expect(driver.output).toContain("the retried call to 'A' expected its retry timer at sequence number 1, but history recorded an activity task named 'Recover' there");
});
