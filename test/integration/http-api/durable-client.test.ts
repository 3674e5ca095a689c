// durable-functions' own DurableClient (v3.5, obtained through df.getClient as a function would) against
// the API over real HTTP, so the library's parsing of every answer is exercised (specs/durable-functions-
// protocol.md §6.2): once through rpcBaseUrl, as durable-functions always does with our payload, and once
// through the management URL templates alone (the legacy form), with keys required; and once through rpcBaseUrl
// answered in-process (DurableHttpApi.answerRpc), as createTestEnvironment's env.client is: same results, same errors.
import { HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClientPayload } from '../../../src/http-api';
import { httpCall } from '../../support/http-call';
import { startApiServer, type ApiServer } from '../../support/http-api-server';
import { ScriptedTaskHub } from '../../support/scripted-task-hub';
import { answerInProcess } from '../../../src/testing/in-process-rpc';

function clientFor(payload: DurableClientPayload | Omit<DurableClientPayload, 'rpcBaseUrl'>): df.DurableClient {
  const input = df.input.durableClient();
  const context = new InvocationContext({ options: { extraInputs: [input] } });
  context.extraInputs.set(input, payload);
  return df.getClient(context);
}

const modes = [
  { mode: 'rpcBaseUrl', requireKeys: false },
  { mode: 'URL templates with keys', requireKeys: true },
  { mode: 'rpcBaseUrl in-process', requireKeys: false },
] as const;

describe.each(modes)('DurableClient through $mode', ({ mode, requireKeys }) => {
  let hub: ScriptedTaskHub;
  let server: ApiServer;
  let client: df.DurableClient;
  const savedHostname = process.env.WEBSITE_HOSTNAME;

  beforeAll(async () => {
    hub = new ScriptedTaskHub('MyHub');
    server = await startApiServer({ taskHub: hub, requireKeys, systemKey: requireKeys ? 'the-system-key' : undefined });
    process.env.WEBSITE_HOSTNAME = new URL(server.origin).host; // what the host sets for the app
    const payload = server.api.clientPayload();
    if (mode === 'rpcBaseUrl') {
      client = clientFor(payload);
    } else if (mode === 'rpcBaseUrl in-process') {
      client = clientFor(payload);
      answerInProcess(client, (request) => server.api.answerRpc(request), process.cwd());
    } else {
      const { rpcBaseUrl: _rpc, ...templatesOnly } = payload;
      client = clientFor(templatesOnly);
    }
  });
  afterAll(async () => {
    if (savedHostname === undefined) delete process.env.WEBSITE_HOSTNAME;
    else process.env.WEBSITE_HOSTNAME = savedHostname;
    await server.close();
  });

  it('startNew returns the id of an instance that getStatus already sees as Pending', async () => {
    const id = await client.startNew('Hello', { input: { city: 'Tokyo' }, instanceId: `start-${mode}`, version: '2' });
    expect(id).toBe(`start-${mode}`);
    expect(await hub.getOrchestration(id)).toMatchObject({ input: '{"city":"Tokyo"}', version: '2' });
    const status = await client.getStatus(id);
    expect(status).toMatchObject({ name: 'Hello', instanceId: id, runtimeStatus: 'Pending', input: { city: 'Tokyo' }, output: null });
    expect(status.createdTime).toBeInstanceOf(Date);
  });

  it('startNew without an id gets a fresh one; without input axios sends "" (JSON), as with the real extension', async () => {
    const id = await client.startNew('Hello');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect((await hub.getOrchestration(id))?.input).toBe('""');
  });

  it('startNew rejects with the status code when the id is taken', async () => {
    hub.put({ instanceId: `busy-${mode}`, status: 'Running' });
    await expect(client.startNew('Hello', { instanceId: `busy-${mode}` })).rejects.toThrow(/unexpected status code: 409/);
  });

  it('getStatus shows history (status.history, js#620) with showHistory and showHistoryOutput', async () => {
    hub.put({
      instanceId: `hist-${mode}`,
      status: 'Completed',
      output: '"done"',
      history: [{ type: 'executionCompleted', eventId: 0, timestamp: '2024-01-01T00:00:01.000Z', orchestrationStatus: 'Completed', result: '"done"' }],
    });
    const status = await client.getStatus(`hist-${mode}`, { showHistory: true, showHistoryOutput: true });
    expect(status.output).toBe('done');
    expect(status.history).toEqual([{ EventType: 'ExecutionCompleted', Timestamp: '2024-01-01T00:00:01.000Z', OrchestrationStatus: 'Completed', Result: 'done' }]);
  });

  it('getStatus throws the library 404 error for an unknown instance', async () => {
    await expect(client.getStatus('ghost')).rejects.toThrow(/replied with HTTP 404/);
  });

  it('getStatusAll follows continuation tokens across pages; getStatusBy filters', async () => {
    for (let i = 0; i < 130; i++) hub.put({ instanceId: `many-${mode}-${i}`, status: i % 2 ? 'Completed' : 'Running' });
    const all = await client.getStatusAll();
    expect(all.filter((s) => s.instanceId.startsWith(`many-${mode}-`))).toHaveLength(130);
    const completed = await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] });
    expect(completed.filter((s) => s.instanceId.startsWith(`many-${mode}-`))).toHaveLength(65);
    expect(completed.every((s) => s.runtimeStatus === 'Completed')).toBe(true);
  });

  it('raiseEvent delivers data, tolerates finished instances (410) and rejects unknown ones', async () => {
    hub.put({ instanceId: `ev-${mode}`, status: 'Running' });
    await client.raiseEvent(`ev-${mode}`, 'ClaimApproval', { Approved: true });
    expect(hub.callsOf('raiseEvent').at(-1)).toEqual([`ev-${mode}`, 'ClaimApproval', '{"Approved":true}']);
    hub.put({ instanceId: `ev-${mode}`, status: 'Completed' });
    await expect(client.raiseEvent(`ev-${mode}`, 'ClaimApproval', 1)).resolves.toBeUndefined();
    await expect(client.raiseEvent('ghost', 'ClaimApproval', 1)).rejects.toThrow("No instance with ID 'ghost' found.");
  });

  it('terminate, suspend and resume reach the hub with their reasons', async () => {
    hub.put({ instanceId: `life-${mode}`, status: 'Running' });
    await client.suspend(`life-${mode}`, 'maintenance');
    await client.resume(`life-${mode}`, 'back');
    await client.terminate(`life-${mode}`, 'stop');
    expect((await client.getStatus(`life-${mode}`)).output).toBe('stop');
    await expect(client.terminate('ghost', 'x')).rejects.toThrow("No instance with ID 'ghost' found.");
  });

  it('rewind works on failed instances and shows our message otherwise', async () => {
    hub.put({ instanceId: `rw-${mode}`, status: 'Failed' });
    await client.rewind(`rw-${mode}`, 'fixed');
    expect(hub.callsOf('rewind').at(-1)).toEqual([`rw-${mode}`, 'fixed']);
    await expect(client.rewind(`rw-${mode}`, 'again')).rejects.toThrow(/has status Running, but only orchestrations in the "Failed" state can be rewound/);
    await expect(client.rewind('ghost', 'x')).rejects.toThrow("No orchestration with instance ID 'ghost' found.");
  });

  it('purgeInstanceHistory and purgeInstanceHistoryBy report what was deleted, 0 when nothing', async () => {
    hub.put({ instanceId: `purge-${mode}`, status: 'Completed' });
    expect(await client.purgeInstanceHistory(`purge-${mode}`)).toEqual({ instancesDeleted: 1 });
    expect(await client.purgeInstanceHistory(`purge-${mode}`)).toEqual({ instancesDeleted: 0 });
    hub.put({ instanceId: `purge-by-${mode}`, status: 'Terminated' });
    const purged = await client.purgeInstanceHistoryBy({
      createdTimeFrom: new Date('2000-01-01T00:00:00Z'),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Terminated],
    });
    expect(purged.instancesDeleted).toBeGreaterThanOrEqual(1);
    const none = await client.purgeInstanceHistoryBy({ createdTimeFrom: new Date('2000-01-01T00:00:00Z'), runtimeStatus: [df.OrchestrationRuntimeStatus.Terminated] });
    expect(none.instancesDeleted).toBe(0);
  });

  it('readEntityState and signalEntity address the entity by its name and key', async () => {
    hub.putEntity({ instanceId: '@counter@k 1', name: 'counter', key: 'k 1', state: '{"value":3}' });
    expect(await client.readEntityState(new df.EntityId('Counter', 'k 1'))).toEqual({ entityExists: true, entityState: { value: 3 } });
    expect(await client.readEntityState(new df.EntityId('Counter', 'nobody'))).toEqual({ entityExists: false });
    await client.signalEntity(new df.EntityId('Counter', 'k 1'), 'add', 2);
    expect(hub.callsOf('signalEntity').at(-1)?.slice(0, 3)).toEqual(['@counter@k 1', 'add', '2']);
  });

  it('createCheckStatusResponse answers 202 whose links work when followed literally', async () => {
    // An HTTP client percent-encodes what the library left raw (the id is substituted as is).
    const follow = (link: string, options?: Parameters<typeof httpCall>[1]) => httpCall(new URL(link).href, options);
    hub.put({ instanceId: `links-${mode}`, status: 'Running' });
    const request = new HttpRequest({ url: `${server.origin}/api/start`, method: 'POST' });
    const response = client.createCheckStatusResponse(request, `links-${mode}`);
    expect(response.status).toBe(202);
    expect(response.headers.get('Retry-After')).toBe('10');
    const links = (await response.json()) as Record<string, string>;
    expect(response.headers.get('Location')).toBe(links.statusQueryGetUri);
    expect((await follow(links.statusQueryGetUri)).status).toBe(202);
    expect((await follow(links.sendEventPostUri.replace('{eventName}', 'Go'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '1' })).status).toBe(202);
    expect((await follow(links.suspendPostUri.replace('{text}', 'pause'), { method: 'POST' })).status).toBe(202);
    expect((await follow(links.resumePostUri.replace('{text}', 'go'), { method: 'POST' })).status).toBe(202);
    expect((await follow(links.terminatePostUri.replace('{text}', 'end'), { method: 'POST' })).status).toBe(202);
    expect((await follow(links.restartPostUri, { method: 'POST' })).status).toBe(202);
    expect((await follow(links.purgeHistoryDeleteUri, { method: 'DELETE' })).json).toEqual({ instancesDeleted: 1 });
    const rewindUri = client.createHttpManagementPayload(`links-${mode}`).rewindPostUri;
    expect((await follow(rewindUri.replace('{text}', 'x'), { method: 'POST' })).status).toBe(404);
  });

  describe('waitForCompletionOrCreateCheckStatusResponse', () => {
    const request = () => new HttpRequest({ url: `${server.origin}/api/start`, method: 'POST' });

    it('answers 200 with the output of a completed instance', async () => {
      hub.put({ instanceId: `w-ok-${mode}`, status: 'Completed', output: '["Hello Tokyo!"]' });
      const response = await client.waitForCompletionOrCreateCheckStatusResponse(request(), `w-ok-${mode}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(['Hello Tokyo!']);
    });

    it('answers 500 with the status of a failed instance', async () => {
      hub.put({ instanceId: `w-fail-${mode}`, status: 'Failed', output: '"Orchestrator function \'Hello\' failed: kaboom"' });
      const response = await client.waitForCompletionOrCreateCheckStatusResponse(request(), `w-fail-${mode}`);
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ runtimeStatus: 'Failed', output: "Orchestrator function 'Hello' failed: kaboom" });
    });

    it('answers the 202 check-status response when the instance is still running at the timeout', async () => {
      hub.put({ instanceId: `w-slow-${mode}`, status: 'Running' });
      const response = await client.waitForCompletionOrCreateCheckStatusResponse(request(), `w-slow-${mode}`, {
        timeoutInMilliseconds: 20,
        retryIntervalInMilliseconds: 10,
      });
      expect(response.status).toBe(202);
      expect(((await response.json()) as { id: string }).id).toBe(`w-slow-${mode}`);
    });
  });
});
