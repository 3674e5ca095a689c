// instances/ routes over real HTTP: listing and paging, purge, raiseEvent, terminate/suspend/resume,
// rewind and restart, with the extension's status codes (specs/durable-functions-protocol.md §7).
import { httpCall } from '../../support/http-call';
import { startApiServer, type ApiServer } from '../../support/http-api-server';
import { ScriptedTaskHub } from '../../support/scripted-task-hub';

let hub: ScriptedTaskHub;
let server: ApiServer;
let base: string;
beforeEach(async () => {
  hub = new ScriptedTaskHub('MyHub');
  server = await startApiServer({ taskHub: hub });
  base = server.webhookBase;
});
afterEach(() => server.close());

const json = { 'Content-Type': 'application/json' };
const message = (res: { json: unknown }) => (res.json as { Message: string }).Message;

describe('GET instances/', () => {
  it('lists status payloads and pages with x-ms-continuation-token, ending with an empty header', async () => {
    for (const id of ['a1', 'a2', 'a3']) hub.put({ instanceId: id, input: '"in"' });
    const first = await httpCall(`${base}/instances/?top=2`);
    expect(first.status).toBe(200);
    expect((first.json as { instanceId: string }[]).map((s) => s.instanceId)).toEqual(['a1', 'a2']);
    const token = first.headers['x-ms-continuation-token'] as string;
    expect(token).not.toBe('');
    const second = await httpCall(`${base}/instances/?top=2`, { headers: { 'x-ms-continuation-token': token } });
    expect((second.json as { instanceId: string }[]).map((s) => s.instanceId)).toEqual(['a3']);
    expect(second.headers['x-ms-continuation-token']).toBe('');
  });

  it('passes the filters to the task hub and hides inputs with showInput=false', async () => {
    hub.put({ instanceId: 'order-1', status: 'Running', input: '"x"' });
    const res = await httpCall(
      `${base}/instances?instanceIdPrefix=order-&createdTimeFrom=2024-01-01T00:00:00Z&createdTimeTo=2030-01-01T00:00:00Z&runtimeStatus=Running,Pending&showInput=false`,
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual([expect.objectContaining({ instanceId: 'order-1', input: null })]);
    expect(hub.callsOf('queryOrchestrations').at(-1)).toEqual([
      {
        instanceIdPrefix: 'order-',
        createdFrom: '2024-01-01T00:00:00.000Z',
        createdTo: '2030-01-01T00:00:00.000Z',
        statuses: ['Running', 'Pending'],
        pageSize: 100,
        continuationToken: undefined,
      },
    ]);
  });

  it.each([
    ['an unknown status', 'runtimeStatus=Finished', /'Finished', which is not a runtime status/],
    ['a date that is not one', 'createdTimeFrom=tomorrow', /not a date/],
    ['a page size below one', 'top=0', /positive number/],
  ])('answers 400 for %s', async (_what, query, expected) => {
    const res = await httpCall(`${base}/instances/?${query}`);
    expect(res.status).toBe(400);
    expect(message(res)).toMatch(expected);
  });

  it('reads an empty runtimeStatus as no status filter, as the extension does (TryGetIEnumerableQueryParameterValue finds none)', async () => {
    hub.put({ instanceId: 'r1', status: 'Running' });
    hub.put({ instanceId: 'c1', status: 'Completed' });
    const res = await httpCall(`${base}/instances/?runtimeStatus=`);
    expect(res.status).toBe(200);
    expect((res.json as { instanceId: string }[]).map((s) => s.instanceId).sort()).toEqual(['c1', 'r1']);
    expect(hub.callsOf('queryOrchestrations').at(-1)).toEqual([expect.objectContaining({ statuses: undefined })]);
  });

  it('answers 400 for a continuation token it did not issue', async () => {
    const res = await httpCall(`${base}/instances/`, { headers: { 'x-ms-continuation-token': 'page-2' } });
    expect(res.status).toBe(400);
  });
});

describe('DELETE instances/{id} and instances/', () => {
  it('answers 404 for an unknown instance, 412 (a JSON string) while it runs, 200 {instancesDeleted} once finished', async () => {
    expect((await httpCall(`${base}/instances/ghost`, { method: 'DELETE' })).status).toBe(404);
    hub.put({ instanceId: 'p1', status: 'Running' });
    const running = await httpCall(`${base}/instances/p1`, { method: 'DELETE' });
    expect(running.status).toBe(412);
    expect(running.json).toMatch(/only orchestrations in a terminal state can be purged/i);
    hub.put({ instanceId: 'p1', status: 'Completed' });
    const done = await httpCall(`${base}/instances/p1`, { method: 'DELETE' });
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ instancesDeleted: 1 });
    expect(await hub.getOrchestration('p1')).toBeUndefined();
  });

  it('requires createdTimeFrom to purge by filter, with the extension message', async () => {
    const res = await httpCall(`${base}/instances/`, { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(res.json).toBe("Please provide value for 'createdTimeFrom' parameter.");
  });

  it('answers 400 for a purge window that does not parse, and purges nothing', async () => {
    hub.put({ instanceId: 'q1', status: 'Completed' });
    for (const query of ['createdTimeFrom=last-week', 'createdTimeFrom=2000-01-01T00:00:00Z&createdTimeTo=2024-02-30']) {
      const res = await httpCall(`${base}/instances/?${query}`, { method: 'DELETE' });
      expect(res.status).toBe(400);
      expect(message(res)).toMatch(/which is not a date; use ISO 8601/);
    }
    expect(hub.callsOf('purgeBy')).toEqual([]);
    expect(await hub.getOrchestration('q1')).toBeDefined();
  });

  it('purges by filter (200 with the count), and answers 404 when nothing matched', async () => {
    hub.put({ instanceId: 'q1', status: 'Completed' });
    hub.put({ instanceId: 'q2', status: 'Failed' });
    hub.put({ instanceId: 'q3', status: 'Running' });
    const res = await httpCall(`${base}/instances/?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Completed,Failed,Running`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ instancesDeleted: 2 });
    const again = await httpCall(`${base}/instances/?createdTimeFrom=2000-01-01T00:00:00Z`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });
});

describe('POST instances/{id}/raiseEvent/{eventName}', () => {
  it('answers 202 and delivers the JSON data', async () => {
    hub.put({ instanceId: 'ev', status: 'Running' });
    const res = await httpCall(`${base}/instances/ev/raiseEvent/ClaimApproval`, { method: 'POST', headers: json, body: '{"Approved":true}' });
    expect(res.status).toBe(202);
    expect(hub.callsOf('raiseEvent')).toEqual([['ev', 'ClaimApproval', '{"Approved":true}']]);
  });

  it('delivers an event without data for an empty body', async () => {
    hub.put({ instanceId: 'ev0', status: 'Suspended' });
    expect((await httpCall(`${base}/instances/ev0/raiseEvent/Go`, { method: 'POST', headers: json })).status).toBe(202);
    expect(hub.callsOf('raiseEvent')).toEqual([['ev0', 'Go', undefined]]);
  });

  it('answers 404 for an unknown instance and 410 for a finished one', async () => {
    expect((await httpCall(`${base}/instances/ghost/raiseEvent/Go`, { method: 'POST', headers: json, body: '1' })).status).toBe(404);
    hub.put({ instanceId: 'ev-done', status: 'Completed' });
    expect((await httpCall(`${base}/instances/ev-done/raiseEvent/Go`, { method: 'POST', headers: json, body: '1' })).status).toBe(410);
  });

  it('answers 400 without Content-Type: application/json, and for data that is not JSON', async () => {
    hub.put({ instanceId: 'ev-bad', status: 'Running' });
    const noType = await httpCall(`${base}/instances/ev-bad/raiseEvent/Go`, { method: 'POST', body: '1' });
    expect(noType.status).toBe(400);
    expect(message(noType)).toMatch(/Only application\/json request content is supported/);
    const notJson = await httpCall(`${base}/instances/ev-bad/raiseEvent/Go`, { method: 'POST', headers: json, body: 'yes' });
    expect(notJson.status).toBe(400);
    expect(message(notJson)).toMatch(/Invalid JSON content/);
    expect(hub.callsOf('raiseEvent')).toEqual([]);
  });

  it('answers 404 for other methods and for a missing event name', async () => {
    hub.put({ instanceId: 'ev-get', status: 'Running' });
    expect((await httpCall(`${base}/instances/ev-get/raiseEvent/Go`)).status).toBe(404);
    expect((await httpCall(`${base}/instances/ev-get/raiseEvent`, { method: 'POST', headers: json })).status).toBe(404);
  });
});

describe('POST instances/{id}/terminate|suspend|resume', () => {
  it('terminates with the reason, then answers 410 once finished', async () => {
    hub.put({ instanceId: 't1', status: 'Running' });
    expect((await httpCall(`${base}/instances/t1/terminate?reason=no%20longer%20needed`, { method: 'POST' })).status).toBe(202);
    expect(hub.callsOf('terminate')).toEqual([['t1', 'no longer needed']]);
    const again = await httpCall(`${base}/instances/t1/terminate`, { method: 'POST' });
    expect(again.status).toBe(410);
    expect(message(again)).toMatch(/Terminated/);
  });

  it('suspends and resumes (operation names in any case), refusing a second resume with the extension\'s 500', async () => {
    hub.put({ instanceId: 's1', status: 'Running' });
    expect((await httpCall(`${base}/instances/s1/Suspend?reason=maintenance`, { method: 'POST' })).status).toBe(202);
    expect((await hub.getOrchestration('s1'))?.status).toBe('Suspended');
    expect((await httpCall(`${base}/instances/s1/resume?reason=done`, { method: 'POST' })).status).toBe(202);
    const again = await httpCall(`${base}/instances/s1/resume`, { method: 'POST' });
    expect(again.status).toBe(500);
    expect(again.json).toEqual({
      Message: 'Something went wrong while processing your request',
      ExceptionMessage: 'Cannot resume orchestration instance in the Running state.',
    });
    expect(hub.callsOf('suspend')).toEqual([['s1', 'maintenance']]);
  });

  it('answers 404 for an unknown instance, an unknown operation, and GET', async () => {
    hub.put({ instanceId: 'o1', status: 'Running' });
    expect((await httpCall(`${base}/instances/ghost/suspend`, { method: 'POST' })).status).toBe(404);
    expect((await httpCall(`${base}/instances/o1/pause`, { method: 'POST' })).status).toBe(404);
    expect((await httpCall(`${base}/instances/o1/terminate`)).status).toBe(404);
  });
});

describe('POST instances/{id}/rewind', () => {
  it('rewinds a failed instance (202) and answers 404 and 412 as JSON strings durable-functions shows as the error', async () => {
    const unknown = await httpCall(`${base}/instances/ghost/rewind`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toBe("No orchestration with instance ID 'ghost' found.");
    hub.put({ instanceId: 'r1', status: 'Completed' });
    const notFailed = await httpCall(`${base}/instances/r1/rewind`, { method: 'POST' });
    expect(notFailed.status).toBe(412);
    expect(notFailed.json).toMatch(/has status Completed, but only orchestrations in the "Failed" state can be rewound/);
    hub.put({ instanceId: 'r2', status: 'Failed' });
    expect((await httpCall(`${base}/instances/r2/rewind?reason=fixed`, { method: 'POST' })).status).toBe(202);
    expect(hub.callsOf('rewind')).toEqual([['r2', 'fixed']]);
  });
});

describe('POST instances/{id}/restart', () => {
  it('restarts under a new id by default and answers the check-status response for it', async () => {
    hub.put({ instanceId: 'rs1', status: 'Completed', input: '"again"' });
    const res = await httpCall(`${base}/instances/rs1/restart`, { method: 'POST' });
    expect(res.status).toBe(202);
    const id = (res.json as { id: string }).id;
    expect(id).not.toBe('rs1');
    expect(res.headers.location).toContain(`/instances/${id}?`);
    expect(await hub.getOrchestration(id)).toMatchObject({ status: 'Pending', input: '"again"' });
  });

  it('keeps the id with restartWithNewInstanceId=false, and answers 409 while that instance runs', async () => {
    hub.put({ instanceId: 'rs2', status: 'Completed' });
    const res = await httpCall(`${base}/instances/rs2/restart?restartWithNewInstanceId=false`, { method: 'POST' });
    expect((res.json as { id: string }).id).toBe('rs2');
    const busy = await httpCall(`${base}/instances/rs2/restart?restartWithNewInstanceId=false`, { method: 'POST' });
    expect(busy.status).toBe(409);
  });

  it('answers 400 for an unknown instance, as the extension does', async () => {
    const res = await httpCall(`${base}/instances/ghost/restart`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(message(res)).toMatch(/does not match a valid orchestration instance/);
  });
});
