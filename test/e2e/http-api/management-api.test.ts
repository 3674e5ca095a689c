// The management API under /runtime/webhooks/durabletask over raw HTTP against the CLI-hosted fixture app:
// status codes, headers and bodies of the real extension (specs/durable-functions-protocol.md §7).
import type { CliProcess } from '../../support/cli-process';
import { call, eventually, finished, startApp } from './e2e-app';

let cli: CliProcess;
let base: string;
beforeAll(async () => {
  cli = await startApp();
  base = `${cli.baseUrl}/runtime/webhooks/durabletask`;
});
afterAll(() => cli.stop());

const json = { 'Content-Type': 'application/json' };
const post = (url: string, body?: string, headers: Record<string, string> = {}) => call(url, { method: 'POST', body, headers });
async function startRaw(name: string, instanceId = '', input?: unknown) {
  const answer = await post(`${base}/orchestrators/${name}/${instanceId}`, input === undefined ? undefined : JSON.stringify(input), json);
  expect(answer.status).toBe(202);
  return answer.body as Record<string, string>;
}
const untilCustomStatus = (statusUrl: string, customStatus: string) =>
  eventually(async () => (((await call(statusUrl)).body as { customStatus?: string })?.customStatus === customStatus ? true : undefined), customStatus);

it('starts and waits with timeout/pollingInterval: 200 with the output', async () => {
  const answer = await post(`${base}/orchestrators/HelloCities?timeout=20&pollingInterval=1`);
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
});

it('answers 202 with Location and Retry-After: 5 while running, then 200; events answer 202, then 410', async () => {
  const links = await startRaw('ClaimApproval', `raw-${Date.now()}`, {});
  expect(links.statusQueryGetUri).toBe(`${base}/instances/${links.id}?taskHub=HttpApiHub&connection=Storage`);
  await untilCustomStatus(links.statusQueryGetUri, 'waiting for approval');
  const running = await call(links.statusQueryGetUri);
  expect(running.status).toBe(202);
  expect(running.headers.get('location')).toBe(links.statusQueryGetUri);
  expect(running.headers.get('retry-after')).toBe('5');

  const eventUrl = `${base}/instances/${links.id}/raiseEvent/ClaimApproval`;
  expect((await post(eventUrl, '{"Approved":true}')).status).toBe(400);
  expect((await post(eventUrl, '{Approved', json)).status).toBe(400);
  expect((await post(eventUrl, '{"Approved":true}', json)).status).toBe(202);
  const done = await finished(links.statusQueryGetUri);
  expect(done.body).toMatchObject({ runtimeStatus: 'Completed', output: { approved: { Approved: true } } });
  expect((done.body as { createdTime: string }).createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect((await post(eventUrl, '1', json)).status).toBe(410);
  expect((await post(`${base}/instances/${links.id}/terminate`)).status).toBe(410);
});

it('refuses bad starts with 400 and a message, and unknown instances with 404', async () => {
  expect((await post(`${base}/orchestrators/NoSuchOrchestrator`)).status).toBe(400);
  expect((await post(`${base}/orchestrators/HelloCities`, '{not json', json)).status).toBe(400);
  expect((await post(`${base}/orchestrators/HelloCities/@entity-like`)).status).toBe(400);
  const unknown = await call(`${base}/instances/never-started`);
  expect(unknown.status).toBe(404);
  expect(unknown.body).toEqual({ Message: "No instance with ID 'never-started' was found." });
  expect((await call(`${base}/no/such/route`)).status).toBe(404);
});

it('shows a failed instance as 200, or 500 with returnInternalServerErrorOnFailure', async () => {
  const links = await startRaw('Fails');
  const failed = await finished(links.statusQueryGetUri);
  expect(failed.status).toBe(200);
  expect(failed.body).toMatchObject({ runtimeStatus: 'Failed', output: expect.stringContaining("Orchestrator function 'Fails' failed") });
  expect((await call(`${links.statusQueryGetUri}&returnInternalServerErrorOnFailure=true`)).status).toBe(500);
  expect((await post(`${base}/instances/${links.id}/rewind?reason=retry`)).status).toBe(202);
});

it('shows history in the extension shape with showHistory', async () => {
  const links = await startRaw('HelloCities');
  await finished(links.statusQueryGetUri);
  const answer = await call(`${links.statusQueryGetUri}&showHistory=true&showHistoryOutput=true`);
  const body = answer.body as { historyEvents: Record<string, unknown>[]; history: unknown[] };
  expect(body.historyEvents[0]).toMatchObject({ EventType: 'ExecutionStarted', FunctionName: 'HelloCities' });
  expect(body.historyEvents[1]).toMatchObject({ EventType: 'TaskCompleted', FunctionName: 'SayHello', Result: 'Hello Tokyo!', ScheduledTime: expect.any(String) });
  expect(body.historyEvents.at(-1)).toMatchObject({ EventType: 'ExecutionCompleted', OrchestrationStatus: 'Completed' });
  expect(body.history).toEqual(body.historyEvents);
});

it('suspends, resumes, terminates and restarts', async () => {
  const links = await startRaw('ClaimApproval', '', {});
  await untilCustomStatus(links.statusQueryGetUri, 'waiting for approval');
  expect((await post(`${base}/instances/${links.id}/suspend?reason=pause`)).status).toBe(202);
  await eventually(async () => ((await call(links.statusQueryGetUri)).body as { runtimeStatus: string }).runtimeStatus === 'Suspended' || undefined, 'Suspended');
  expect((await post(`${base}/instances/${links.id}/resume?reason=go`)).status).toBe(202);
  expect((await post(`${base}/instances/${links.id}/terminate?reason=stop`)).status).toBe(202);
  expect((await finished(links.statusQueryGetUri)).body).toMatchObject({ runtimeStatus: 'Terminated', output: 'stop' });
  const restarted = await post(`${base}/instances/${links.id}/restart?restartWithNewInstanceId=false`);
  expect(restarted.status).toBe(202);
  expect((restarted.body as { id: string }).id).toBe(links.id);
  await untilCustomStatus(links.statusQueryGetUri, 'waiting for approval');
  await post(`${base}/instances/${links.id}/terminate?reason=cleanup`);
});

it('lists instances page by page with x-ms-continuation-token', async () => {
  const prefix = `page-${Date.now()}-`;
  for (let i = 0; i < 3; i++) await startRaw('HelloCities', `${prefix}${i}`);
  const seen: string[] = [];
  let token: string | null = null;
  do {
    const answer: Awaited<ReturnType<typeof call>> = await call(`${base}/instances/?instanceIdPrefix=${prefix}&top=2`, { headers: token ? { 'x-ms-continuation-token': token } : {} });
    expect(answer.status).toBe(200);
    seen.push(...(answer.body as { instanceId: string }[]).map((s) => s.instanceId));
    token = answer.headers.get('x-ms-continuation-token');
  } while (token);
  expect(seen.sort()).toEqual([`${prefix}0`, `${prefix}1`, `${prefix}2`]);
});

it('purges one instance and by filter', async () => {
  const links = await startRaw('HelloCities');
  await finished(links.statusQueryGetUri);
  expect((await call(`${base}/instances/${links.id}`, { method: 'DELETE' })).body).toEqual({ instancesDeleted: 1 });
  expect((await call(`${base}/instances/${links.id}`, { method: 'DELETE' })).status).toBe(404);
  expect((await call(`${base}/instances/`, { method: 'DELETE' })).status).toBe(400);
  const other = await startRaw('HelloCities');
  await finished(other.statusQueryGetUri);
  const purged = await call(`${base}/instances/?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Completed`, { method: 'DELETE' });
  expect(purged.status).toBe(200);
  expect((purged.body as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(1);
});

it('signals, reads, lists and deletes entities', async () => {
  const key = `raw-${Date.now()}`;
  expect((await post(`${base}/entities/Counter/${key}?op=add`, '3', json)).status).toBe(202);
  expect((await post(`${base}/entities/Counter/${key}?op=add`, '4', json)).status).toBe(202);
  await eventually(async () => ((await call(`${base}/entities/Counter/${key}`)).body === 7 ? true : undefined), 'the counter to reach 7');
  const listed = await call(`${base}/entities/Counter?fetchState=true`);
  expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ entityId: { name: 'counter', key }, state: 7 })]));
  expect((await call(`${base}/entities/Counter/${key}`, { method: 'DELETE' })).status).toBe(202);
  await eventually(async () => ((await call(`${base}/entities/Counter/${key}`)).status === 404 ? true : undefined), 'the counter to be deleted');
  expect((await post(`${base}/entities/NoSuchEntity/k?op=x`)).status).toBe(400);
});
