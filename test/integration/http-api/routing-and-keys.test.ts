// Paths, task hub selection, body limits, the local RPC listener and --require-keys.
import { DurableHttpApi } from '../../../src/http-api';
import { httpCall } from '../../support/http-call';
import { startApiServer, type ApiServer } from '../../support/http-api-server';
import { ScriptedTaskHub } from '../../support/scripted-task-hub';

describe('routing', () => {
  let hub: ScriptedTaskHub;
  let server: ApiServer;
  beforeAll(async () => {
    hub = new ScriptedTaskHub('MyHub');
    server = await startApiServer({ taskHub: hub, maxBodyBytes: 1024 });
    hub.put({ instanceId: 'r1', status: 'Running' });
  });
  afterAll(() => server.close());

  it('leaves paths outside /runtime/webhooks/durabletask to the host', async () => {
    const res = await httpCall(`${server.origin}/api/hello`);
    expect(res.text).toBe('not a durable route');
    expect((await httpCall(`${server.origin}/runtime/webhooks/durabletaskx/instances/r1`)).text).toBe('not a durable route');
  });

  it('matches the base path and route literals in any case, and ignores extra slashes at the ends', async () => {
    expect((await httpCall(`${server.origin}/Runtime/Webhooks/DurableTask/INSTANCES/r1/`)).status).toBe(202);
  });

  it('answers unknown routes with 404 and a JSON body that lists the routes', async () => {
    for (const path of ['', '/', '/nothing', '/instances//r1', '/orchestrators', '/instances/r1/raiseEvent/a/b']) {
      const res = await httpCall(`${server.webhookBase}${path}`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect((res.json as { Message: string }).Message).toMatch(/The routes are/);
    }
  });

  it('answers 400 for malformed percent-encoding', async () => {
    const res = await httpCall(`${server.webhookBase}/instances/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect((res.json as { Message: string }).Message).toMatch(/malformed percent-encoding/);
  });

  it('accepts its own task hub name in any case and refuses another one', async () => {
    expect((await httpCall(`${server.webhookBase}/instances/r1?taskHub=myhub`)).status).toBe(202);
    const other = await httpCall(`${server.webhookBase}/instances/r1?taskHub=OtherHub`);
    expect(other.status).toBe(400);
    expect((other.json as { Message: string }).Message).toMatch(/serves the task hub 'MyHub', not 'OtherHub'/);
  });

  it('answers 413 for a body over the limit, and keeps serving', async () => {
    const res = await httpCall(`${server.webhookBase}/orchestrators/Hello`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect((res.json as { Message: string }).Message).toMatch(/larger than 1024 bytes/);
    expect((await httpCall(`${server.webhookBase}/instances/r1`)).status).toBe(202);
  });

  it('serves the same routes on the loopback RPC listener, with management links to the public origin', async () => {
    const rpc = server.api.rpcBaseUrl!;
    expect(rpc).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/durabletask\/$/);
    const status = await httpCall(`${rpc}instances/r1`);
    expect(status.status).toBe(202);
    expect(status.headers.location).toBe(`${rpc}instances/r1`);
    const started = await httpCall(`${rpc}orchestrators/Hello/via-rpc`, { method: 'POST' });
    expect((started.json as { statusQueryGetUri: string }).statusQueryGetUri).toBe(`${server.webhookBase}/instances/via-rpc?taskHub=MyHub&connection=Storage`);
    expect((await httpCall(rpc.replace('/durabletask/', '/other'))).status).toBe(404);
  });
});

describe('--require-keys', () => {
  const key = 'S3cr3t_key-value==';
  let hub: ScriptedTaskHub;
  let server: ApiServer;
  const logged: string[] = [];
  beforeAll(async () => {
    hub = new ScriptedTaskHub('MyHub');
    const log = (line: string) => logged.push(line);
    server = await startApiServer({ taskHub: hub, requireKeys: true, systemKey: key, logger: { debug: log, info: log, warn: log, error: log } });
    hub.put({ instanceId: 'k1', status: 'Running' });
  });
  afterAll(() => server.close());

  it('answers 401 without the key or with a wrong one', async () => {
    for (const url of [`${server.webhookBase}/instances/k1`, `${server.webhookBase}/instances/k1?code=wrong`]) {
      const res = await httpCall(url);
      expect(res.status).toBe(401);
      expect((res.json as { Message: string }).Message).toMatch(/requires the system key/);
    }
  });

  it('accepts the key as code= or in x-functions-key', async () => {
    expect((await httpCall(`${server.webhookBase}/instances/k1?code=${encodeURIComponent(key)}`)).status).toBe(202);
    expect((await httpCall(`${server.webhookBase}/instances/k1`, { headers: { 'x-functions-key': key } })).status).toBe(202);
  });

  it('hands out links that carry the key, which work when followed literally', async () => {
    const started = await httpCall(`${server.webhookBase}/orchestrators/Hello/keyed?code=${encodeURIComponent(key)}`, { method: 'POST' });
    const links = started.json as { statusQueryGetUri: string; terminatePostUri: string };
    expect(links.statusQueryGetUri).toContain(`code=${encodeURIComponent(key)}`);
    expect((await httpCall(links.statusQueryGetUri)).status).toBe(202);
    expect((await httpCall(links.terminatePostUri.replace('{text}', 'done'), { method: 'POST' })).status).toBe(202);
  });

  it('puts the key in the binding payload', () => {
    expect(server.api.clientPayload().requiredQueryStringParameters).toBe(`code=${encodeURIComponent(key)}`);
  });

  it('does not ask for the key on the loopback RPC listener', async () => {
    expect((await httpCall(`${server.api.rpcBaseUrl}instances/k1`)).status).toBe(202);
  });

  it('never logs the key', () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(key);
    expect(logged.join('\n')).not.toContain(encodeURIComponent(key));
  });

  it('refuses to start without a key to require', () => {
    expect(() => new DurableHttpApi({ taskHub: hub, origin: 'http://localhost:7071', requireKeys: true })).toThrow(/no systemKey/);
  });
});
