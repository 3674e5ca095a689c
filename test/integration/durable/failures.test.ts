// Failures are reported the way the real Durable extension reports them, and nothing gets stuck (issue 3).
import type { TestEnvironment } from '../../../src/testing';
import { startFixture } from '../../support/durable-fixture';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startFixture('durable-features');
});
afterAll(() => env.close());

async function run(name: string, input?: unknown) {
  const id = await env.client.startNew(name, { input });
  return env.client.waitForCompletion(id);
}

it('fails an orchestrator that throws with the extension\'s message', async () => {
  const status = await run('Throws');
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.output).toBe("Orchestrator function 'Throws' failed: orchestrator boom");
});

it('fails an orchestration whose activity throws, naming the activity and its error', async () => {
  const status = await run('CallsBoom');
  expect(status.runtimeStatus).toBe('Failed');
  expect(String(status.output)).toMatch(/^Orchestrator function 'CallsBoom' failed: Activity function 'Boom' failed: kaboom/);
});

it('lets an orchestrator catch an activity failure', async () => {
  const status = await run('CatchesBoom');
  expect(status.runtimeStatus).toBe('Completed');
  expect(String(status.output)).toContain("caught: Activity function 'Boom' failed: kaboom");
});

it('fails a call to an activity that does not exist', async () => {
  const status = await run('CallsUnknownActivity');
  expect(status.runtimeStatus).toBe('Failed');
  expect(String(status.output)).toContain("The function 'NoSuchActivity' doesn't exist");
});

it('fails a call to a sub-orchestrator that does not exist', async () => {
  const status = await run('Parent', 'unknown');
  expect(status.runtimeStatus).toBe('Failed');
  expect(String(status.output)).toContain("The function 'NoSuchOrchestrator' doesn't exist");
});

it('fails an activity whose result cannot be serialized', async () => {
  const status = await run('CallsCircular');
  expect(status.runtimeStatus).toBe('Failed');
  expect(String(status.output)).toContain("Activity function 'Circular' failed");
  expect(String(status.output)).toMatch(/circular/i);
});

it('refuses to start an orchestrator the app does not have, as the extension does (HTTP 400)', async () => {
  await expect(env.client.startNew('NoSuchOrchestrator')).rejects.toThrow(/NoSuchOrchestrator/);
});

it('keeps working after failures', async () => {
  expect((await run('HelloCities')).runtimeStatus).toBe('Completed');
});
