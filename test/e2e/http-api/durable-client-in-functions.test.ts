// durable-functions' own DurableClient inside the fixture app's functions (HTTP starters, an activity and a
// timer that carry a client), run by the CLI: every client call goes through the runtime's durableClient
// payload and management API, and every link it hands out is followed literally (issue 4 "Done when").
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliProcess } from '../../support/cli-process';
import { call, eventually, finished, startApp } from './e2e-app';

let cli: CliProcess;
beforeAll(async () => {
  cli = await startApp();
});
afterAll(() => cli.stop());

const json = { 'Content-Type': 'application/json' };
type ClientAnswer = { result?: any; error?: string };
async function client(op: string, args: Record<string, unknown> = {}): Promise<ClientAnswer> {
  const answer = await call(`${cli.baseUrl}/api/client/${op}`, { method: 'POST', headers: json, body: JSON.stringify(args) });
  if (answer.status !== 200) throw new Error(`client/${op} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as ClientAnswer;
}
async function start(name: string, input?: unknown, instanceId = ''): Promise<Record<string, string>> {
  const answer = await call(`${cli.baseUrl}/api/start/${name}/${instanceId}`, { method: 'POST', body: input === undefined ? '' : JSON.stringify(input) });
  expect(answer.status).toBe(202);
  return answer.body as Record<string, string>;
}
const statusOf = async (instanceId: string) => (await client('getStatus', { instanceId })).result;
const untilStatus = (instanceId: string, runtimeStatus: string) =>
  eventually(async () => ((await statusOf(instanceId))?.runtimeStatus === runtimeStatus ? true : undefined), `${instanceId} to be ${runtimeStatus}`);

it('createCheckStatusResponse hands out links on the port the app is served on, which lead to the output', async () => {
  const answer = await call(`${cli.baseUrl}/api/start/HelloCities/`, { method: 'POST' });
  expect(answer.status).toBe(202);
  const links = answer.body as Record<string, string>;
  expect(answer.headers.get('location')).toBe(links.statusQueryGetUri);
  expect(answer.headers.get('retry-after')).toBe('10');
  for (const key of ['statusQueryGetUri', 'sendEventPostUri', 'terminatePostUri', 'purgeHistoryDeleteUri', 'restartPostUri', 'suspendPostUri', 'resumePostUri']) {
    expect(links[key]).toMatch(new RegExp(`^http://localhost:${cli.port}/runtime/webhooks/durabletask/instances/${links.id}`));
  }
  const done = await finished(links.statusQueryGetUri);
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ runtimeStatus: 'Completed', output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'] });
});

it('sendEventPostUri, followed literally, delivers the ClaimApproval event', async () => {
  const links = await start('ClaimApproval', { claim: 1 });
  await eventually(async () => ((await statusOf(links.id))?.customStatus === 'waiting for approval' ? true : undefined), 'the wait');
  const sent = await call(links.sendEventPostUri.replace('{eventName}', 'ClaimApproval'), {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ Approved: true, Reason: 'Because this is awesome!' }),
  });
  expect(sent.status).toBe(202);
  expect((await finished(links.statusQueryGetUri)).body).toMatchObject({ output: { approved: { Approved: true, Reason: 'Because this is awesome!' } } });
});

it('terminate, suspend and resume links work when followed literally', async () => {
  const links = await start('ClaimApproval', {});
  await untilStatus(links.id, 'Running');
  expect((await call(links.suspendPostUri.replace('{text}', 'maintenance'), { method: 'POST' })).status).toBe(202);
  await untilStatus(links.id, 'Suspended');
  expect((await call(links.resumePostUri.replace('{text}', 'done'), { method: 'POST' })).status).toBe(202);
  await untilStatus(links.id, 'Running');
  expect((await call(links.terminatePostUri.replace('{text}', 'no longer needed'), { method: 'POST' })).status).toBe(202);
  expect((await finished(links.statusQueryGetUri)).body).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
  expect((await call(links.restartPostUri, { method: 'POST' })).status).toBe(202);
  expect((await call(links.purgeHistoryDeleteUri, { method: 'DELETE' })).body).toEqual({ instancesDeleted: 1 });
  expect((await call(links.statusQueryGetUri)).status).toBe(404);
});

it('getStatus with history fills status.history; getStatusAll and getStatusBy list instances', async () => {
  const { id } = await start('HelloCities');
  await untilStatus(id, 'Completed');
  const withHistory = (await client('getStatus', { instanceId: id, options: { showHistory: true, showHistoryOutput: true } })).result;
  expect(withHistory.history.map((e: { EventType: string }) => e.EventType)).toEqual([
    'ExecutionStarted',
    'TaskCompleted',
    'TaskCompleted',
    'TaskCompleted',
    'ExecutionCompleted',
  ]);
  expect(withHistory.history[1]).toMatchObject({ FunctionName: 'SayHello', Result: 'Hello Tokyo!' });
  expect((await client('getStatusAll')).result.map((s: { instanceId: string }) => s.instanceId)).toContain(id);
  const completed = (await client('getStatusBy', { runtimeStatus: ['Completed'] })).result as { instanceId: string; runtimeStatus: string }[];
  expect(completed.map((s) => s.instanceId)).toContain(id);
  expect(completed.every((s) => s.runtimeStatus === 'Completed')).toBe(true);
});

it('raiseEvent, suspend, resume and terminate through the client', async () => {
  const { id } = await start('ClaimApproval', {});
  await untilStatus(id, 'Running');
  expect(await client('suspend', { instanceId: id, reason: 'pause' })).toEqual({ result: null });
  await untilStatus(id, 'Suspended');
  expect(await client('resume', { instanceId: id, reason: 'go' })).toEqual({ result: null });
  expect(await client('raiseEvent', { instanceId: id, eventName: 'ClaimApproval', data: { Approved: false } })).toEqual({ result: null });
  await untilStatus(id, 'Completed');
  expect((await statusOf(id)).output).toEqual({ approved: { Approved: false } });
  expect((await client('raiseEvent', { instanceId: 'no-such-instance', eventName: 'x', data: 1 })).error).toBe("No instance with ID 'no-such-instance' found.");
  const other = await start('ClaimApproval', {});
  await client('terminate', { instanceId: other.id, reason: 'stop' });
  await untilStatus(other.id, 'Terminated');
});

it('rewind brings a failed instance back once its cause is fixed', async () => {
  const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'http-api-')), 'marker');
  const { id } = await start('NeedsMarker', marker);
  await untilStatus(id, 'Failed');
  writeFileSync(marker, 'x');
  expect(await client('rewind', { instanceId: id, reason: 'marker written' })).toEqual({ result: null });
  await untilStatus(id, 'Completed');
  expect((await statusOf(id)).output).toBe('marker found');
  expect((await client('rewind', { instanceId: id, reason: 'again' })).error).toMatch(/only orchestrations in the "Failed" state can be rewound/);
});

it('purgeInstanceHistory and purgeInstanceHistoryBy delete finished instances', async () => {
  const { id } = await start('HelloCities');
  await untilStatus(id, 'Completed');
  expect((await client('purgeInstanceHistory', { instanceId: id })).result).toEqual({ instancesDeleted: 1 });
  expect((await client('purgeInstanceHistory', { instanceId: id })).result).toEqual({ instancesDeleted: 0 });
  const failed = await start('Fails');
  await untilStatus(failed.id, 'Failed');
  const purged = (await client('purgeInstanceHistoryBy', { createdTimeFrom: '2000-01-01T00:00:00Z', runtimeStatus: ['Failed'] })).result;
  expect(purged.instancesDeleted).toBeGreaterThanOrEqual(1);
  expect((await client('getStatus', { instanceId: failed.id })).error).toMatch(/404/);
});

it('signalEntity and readEntityState reach the entity', async () => {
  const entity = { name: 'Counter', key: 'e2e key' };
  await client('signalEntity', { entity, operation: 'add', input: 5 });
  await client('signalEntity', { entity, operation: 'add', input: 2 });
  const state = await eventually(async () => {
    const read = (await client('readEntityState', { entity })).result;
    return read.entityExists && read.entityState === 7 ? read : undefined;
  }, 'the counter to reach 7');
  expect(state).toEqual({ entityExists: true, entityState: 7 });
  expect((await client('readEntityState', { entity: { name: 'Counter', key: 'never signaled' } })).result).toEqual({ entityExists: false });
});

it('the client knows the task hub and builds management payloads on the right port', async () => {
  expect((await client('taskHubName')).result).toBe('HttpApiHub');
  const payload = (await client('createHttpManagementPayload', { instanceId: 'abc' })).result;
  expect(payload.rewindPostUri).toBe(`http://localhost:${cli.port}/runtime/webhooks/durabletask/instances/abc/rewind?reason={text}&taskHub=HttpApiHub&connection=Storage`);
});

describe('waitForCompletionOrCreateCheckStatusResponse', () => {
  it('answers 200 with the output', async () => {
    const answer = await call(`${cli.baseUrl}/api/start-and-wait/HelloCities`, { method: 'POST' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('answers 500 with the status of a failed instance', async () => {
    const answer = await call(`${cli.baseUrl}/api/start-and-wait/Fails`, { method: 'POST' });
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ runtimeStatus: 'Failed', output: expect.stringContaining('kaboom') });
  });

  it('answers 202 with the check-status links on timeout', async () => {
    const answer = await call(`${cli.baseUrl}/api/start-and-wait/ClaimApproval?timeoutMs=200`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(202);
    const links = answer.body as Record<string, string>;
    expect(links.statusQueryGetUri).toContain(`localhost:${cli.port}`);
    await call(links.terminatePostUri.replace('{text}', 'cleanup'), { method: 'POST' });
  });
});

it('an activity that carries a durable client starts another orchestration', async () => {
  const { id } = await start('StartsViaActivity');
  await untilStatus(id, 'Completed');
  expect((await statusOf(id)).output).toBe(`${id}-started`);
  await untilStatus(`${id}-started`, 'Completed');
});

it('a timer that carries a durable client starts an orchestration', async () => {
  await untilStatus('from-timer', 'Completed');
});
