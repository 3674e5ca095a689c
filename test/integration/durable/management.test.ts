// Client operations on running and finished instances: terminate, suspend/resume, rewind, restart, purge,
// duplicate ids and events for unknown or finished instances (issue 3).
import type { TestEnvironment } from '../../../src/testing';
import { fixtureFlags, startFixture } from '../../support/durable-fixture';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startFixture('durable-features');
});
afterAll(() => env.close());

const statusOf = (id: string) => env.client.getStatus(id);
const waitForStatus = (id: string, runtimeStatus: string) => env.client.waitForStatus(id, (s) => s.runtimeStatus === runtimeStatus);

/** POST to a management route of the Durable HTTP API, as a management URL would be followed. */
async function manage(path: string): Promise<Response> {
  return env.fetch(`/runtime/webhooks/durabletask/${path}`, { method: 'POST' });
}

it('makes a started instance visible as Pending or later before startNew resolves', async () => {
  const id = await env.client.startNew('EventAfterWork');
  expect(['Pending', 'Running']).toContain((await statusOf(id)).runtimeStatus);
  await env.client.terminate(id, 'cleanup');
});

it('terminates a running instance with the reason as output', async () => {
  const id = await env.client.startNew('Approval', { input: {} });
  await waitForStatus(id, 'Running');
  await env.client.terminate(id, 'no longer needed');
  const status = await env.client.waitForCompletion(id);
  expect(status.runtimeStatus).toBe('Terminated');
  expect(status.output).toBe('no longer needed');
});

it('holds events while suspended and processes them after resume', async () => {
  const id = await env.client.startNew('Approval', { input: {} });
  await env.client.waitForStatus(id, (s) => s.customStatus === 'waiting for approval');
  await env.client.suspend(id, 'maintenance');
  await waitForStatus(id, 'Suspended');
  await env.client.raiseEvent(id, 'Approval', 'while suspended');
  // The event is accepted but the orchestration does not run while suspended.
  expect((await statusOf(id)).runtimeStatus).toBe('Suspended');
  await env.client.resume(id, 'done');
  const status = await env.client.waitForCompletion(id);
  expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { approved: 'while suspended' } });
});

it('rewinds a failed instance so it completes without re-running finished work', async () => {
  fixtureFlags().failFlaky = true;
  try {
    const id = await env.client.startNew('Rewindable');
    expect((await env.client.waitForCompletion(id)).runtimeStatus).toBe('Failed');
    fixtureFlags().failFlaky = false;
    await env.client.rewind(id, 'fixed the flaky dependency');
    const status = await env.client.waitForCompletion(id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: ['Hello before!', 'recovered step'] });
  } finally {
    fixtureFlags().failFlaky = false;
  }
});

// The real extension reports this rewind as non-deterministic (azure-functions-durable-extension#617): the retry
// timers stay in history without the failures that made them. Rewinding from the last failure replays cleanly.
it('rewinds a call whose retries ran out: the last attempt runs again and the run completes', async () => {
  const id = await env.client.startNew('RetryActivity', { input: { failures: 2, attempts: 2 } });
  const failed = await env.client.waitForCompletion(id);
  expect(failed.runtimeStatus).toBe('Failed');
  await env.client.rewind(id, 'dependency is back');
  const status = await env.client.waitForCompletion(id);
  expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'succeeded on attempt 3' });
  const history = (await env.client.getHistory(id)) as { EventType: string }[];
  expect(history.filter((e) => e.EventType === 'TaskFailed')).toHaveLength(1);
});

it('rewinds a run whose rewound attempt fails again into a new failure, and again to success', async () => {
  const id = await env.client.startNew('RetryActivity', { input: { failures: 3, attempts: 2 } });
  expect((await env.client.waitForCompletion(id)).runtimeStatus).toBe('Failed');
  await env.client.rewind(id, 'first try');
  const again = await env.client.waitForCompletion(id);
  expect(again).toMatchObject({ runtimeStatus: 'Failed' });
  expect(String(again.output)).toContain('attempt 3 of');
  await env.client.rewind(id, 'second try');
  expect(await env.client.waitForCompletion(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'succeeded on attempt 4' });
});

it('refuses to rewind an instance that did not fail', async () => {
  const id = await env.client.startNew('HelloCities');
  await env.client.waitForCompletion(id);
  const rewind = await manage(`instances/${id}/rewind?reason=why`);
  expect(rewind.status).toBe(412);
  expect(await rewind.text()).toMatch(/Completed/);
});

it('restarts a finished instance with the same id and with a new id', async () => {
  const id = await env.client.startNew('HelloCities');
  await env.client.waitForCompletion(id);
  const restart = async (newId: boolean) => ((await (await manage(`instances/${id}/restart?restartWithNewInstanceId=${newId}`)).json()) as { id: string }).id;
  const same = await restart(false);
  expect(same).toBe(id);
  expect((await env.client.waitForCompletion(id)).output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  const fresh = await restart(true);
  expect(fresh).not.toBe(id);
  expect((await env.client.waitForCompletion(fresh)).runtimeStatus).toBe('Completed');
});

it('purges a finished instance', async () => {
  const id = await env.client.startNew('HelloCities');
  await env.client.waitForCompletion(id);
  expect(await env.client.purgeInstanceHistory(id)).toMatchObject({ instancesDeleted: 1 });
  await expect(env.client.getStatus(id)).rejects.toThrow(/HTTP 404/);
  expect(await env.client.purgeInstanceHistory(id)).toMatchObject({ instancesDeleted: 0 });
});

it('rejects a second start with the id of a running instance and allows it once finished', async () => {
  const id = `dup-${Date.now()}`;
  await env.client.startNew('Approval', { instanceId: id, input: {} });
  await expect(env.client.startNew('Approval', { instanceId: id, input: {} })).rejects.toThrow(/already exists/);
  await env.client.terminate(id, 'done');
  await env.client.waitForCompletion(id);
  await env.client.startNew('HelloCities', { instanceId: id });
  expect((await env.client.waitForCompletion(id)).output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
});

it('rejects events for unknown instances (404) and answers 410 for finished ones, which the client accepts quietly', async () => {
  await expect(env.client.raiseEvent('no-such-instance', 'Approval', 1)).rejects.toThrow(/no-such-instance/);
  const id = await env.client.startNew('HelloCities');
  await env.client.waitForCompletion(id);
  expect((await manage(`instances/${id}/raiseEvent/Approval`)).status).toBe(410);
  await expect(env.client.raiseEvent(id, 'Approval', 1)).resolves.toBeUndefined();
});
