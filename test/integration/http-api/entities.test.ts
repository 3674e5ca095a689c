// entities/ routes over real HTTP (specs/durable-functions-protocol.md §7).
import { httpCall } from '../../support/http-call';
import { startApiServer, type ApiServer } from '../../support/http-api-server';
import { ScriptedTaskHub } from '../../support/scripted-task-hub';

let hub: ScriptedTaskHub;
let server: ApiServer;
let base: string;
beforeEach(async () => {
  hub = new ScriptedTaskHub('MyHub');
  server = await startApiServer({ taskHub: hub, entityExists: (name) => name.toLowerCase() === 'counter' });
  base = server.webhookBase;
});
afterEach(() => server.close());

describe('GET entities/{name}/{key}', () => {
  it('answers 200 with the state as the body, and 404 for an entity without state', async () => {
    hub.putEntity({ instanceId: '@counter@k1', name: 'counter', key: 'k1', state: '{"value":5}' });
    const res = await httpCall(`${base}/entities/Counter/k1`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ value: 5 });
    expect((await httpCall(`${base}/entities/counter/k2`)).status).toBe(404);
  });

  it('reads the key $ as the empty key', async () => {
    hub.putEntity({ instanceId: '@counter@', name: 'counter', key: '', state: '1' });
    expect((await httpCall(`${base}/entities/counter/$`)).json).toBe(1);
  });
});

describe('GET entities/{name}', () => {
  it('lists the entities of that name with their state when fetchState=true', async () => {
    hub.putEntity({ instanceId: '@counter@a', name: 'counter', key: 'a', state: '1', lastModifiedAt: '2024-01-01T00:00:00.000Z' });
    hub.putEntity({ instanceId: '@other@b', name: 'other', key: 'b', state: '2' });
    const res = await httpCall(`${base}/entities/Counter?fetchState=true`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual([{ entityId: { name: 'counter', key: 'a' }, lastOperationTime: '2024-01-01T00:00:00.000Z', state: 1 }]);
    expect(res.headers['x-ms-continuation-token']).toBe('');
    expect(hub.callsOf('queryEntities')[0][0]).toMatchObject({ instanceIdPrefix: '@counter@', includeState: true });
  });
});

describe('POST and DELETE entities/{name}/{key}', () => {
  it('signals op with a JSON body, a raw-string body and no body', async () => {
    expect((await httpCall(`${base}/entities/Counter/k1?op=add`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '5' })).status).toBe(202);
    expect((await httpCall(`${base}/entities/counter/k1?op=note`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi there' })).status).toBe(202);
    expect((await httpCall(`${base}/entities/counter/k1?op=reset`, { method: 'POST' })).status).toBe(202);
    expect(hub.callsOf('signalEntity').map((args) => args.slice(0, 3))).toEqual([
      ['@counter@k1', 'add', '5'],
      ['@counter@k1', 'note', '"hi there"'],
      ['@counter@k1', 'reset', undefined],
    ]);
  });

  it('signals "delete" for DELETE', async () => {
    expect((await httpCall(`${base}/entities/counter/k1`, { method: 'DELETE' })).status).toBe(202);
    expect(hub.callsOf('signalEntity')[0].slice(0, 2)).toEqual(['@counter@k1', 'delete']);
  });

  it.each([
    ['an entity the app does not have', '/entities/nope/k?op=x', {}, /'nope' doesn't exist/],
    ['a missing entity name', '/entities?op=x', {}, /entity name is missing/],
    ['a key with #', '/entities/counter/a%23b?op=x', {}, /Entity key/],
    ['JSON that does not parse', '/entities/counter/k?op=x', { 'Content-Type': 'application/json' }, /Could not parse JSON content/],
  ])('answers 400 for %s', async (_what, path, headers, expected) => {
    const res = await httpCall(`${base}${path}`, { method: 'POST', headers, body: '{oops' });
    expect(res.status).toBe(400);
    expect((res.json as { Message: string }).Message).toMatch(expected);
    expect(hub.callsOf('signalEntity')).toEqual([]);
  });

  it('answers 404 for other methods', async () => {
    expect((await httpCall(`${base}/entities/counter/k1`, { method: 'PUT' })).status).toBe(404);
  });
});
