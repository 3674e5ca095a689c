// POST orchestrators/... and GET instances/{id} over real HTTP: status codes, headers and bodies of the
// extension (specs/durable-functions-protocol.md §7), against a task hub whose states the test sets.
import { httpCall, until } from '../../support/http-call';
import { startApiServer, type ApiServer } from '../../support/http-api-server';
import { ScriptedTaskHub } from '../../support/scripted-task-hub';

let hub: ScriptedTaskHub;
let server: ApiServer;
let base: string;
beforeAll(async () => {
  hub = new ScriptedTaskHub('MyHub');
  server = await startApiServer({ taskHub: hub, orchestratorExists: (name) => ['hello', 'approval'].includes(name.toLowerCase()) });
  base = server.webhookBase;
});
afterAll(() => server.close());

const json = { 'Content-Type': 'application/json' };

describe('POST orchestrators/{functionName}/{instanceId?}', () => {
  it('starts an instance, visible as Pending, and answers 202 with the check-status links', async () => {
    const res = await httpCall(`${base}/orchestrators/Hello`, { method: 'POST', headers: json, body: '{"city":"Tokyo"}' });
    expect(res.status).toBe(202);
    const body = res.json as Record<string, string>;
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(body)).toEqual(['id', 'statusQueryGetUri', 'sendEventPostUri', 'terminatePostUri', 'purgeHistoryDeleteUri', 'restartPostUri', 'suspendPostUri', 'resumePostUri']);
    expect(body.statusQueryGetUri).toBe(`${base}/instances/${body.id}?taskHub=MyHub&connection=Storage`);
    expect(res.headers.location).toBe(body.statusQueryGetUri);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(await hub.getOrchestration(body.id)).toMatchObject({ name: 'Hello', status: 'Pending', input: '{"city":"Tokyo"}' });
  });

  it('uses the instance id from the path and passes ?version= on', async () => {
    const res = await httpCall(`${base}/orchestrators/Hello/order-1?version=2.0`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect((res.json as { id: string }).id).toBe('order-1');
    expect(await hub.getOrchestration('order-1')).toMatchObject({ version: '2.0', input: undefined });
  });

  it('answers 400 "Invalid JSON content" for a body that is not JSON and starts nothing', async () => {
    const res = await httpCall(`${base}/orchestrators/Hello/bad-json`, { method: 'POST', headers: json, body: '{city:' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ Message: expect.stringMatching(/^Invalid JSON content/) });
    expect(await hub.getOrchestration('bad-json')).toBeUndefined();
  });

  it('answers 400 for an orchestrator the app does not have', async () => {
    const res = await httpCall(`${base}/orchestrators/Nope`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect((res.json as { Message: string }).Message).toMatch(/'Nope' doesn't exist/);
  });

  it.each([
    ['a leading @', '@reserved', /starts with '@'/],
    ['a ?', 'a%3Fb', /contains/],
    ['a control character', 'a%0Ab', /control character/],
    ['257 characters', 'x'.repeat(257), /must not exceed 256/],
  ])('answers 400 for an instance id with %s', async (_what, id, message) => {
    const res = await httpCall(`${base}/orchestrators/Hello/${id}`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect((res.json as { Message: string }).Message).toMatch(message);
  });

  it('answers 409 when a running instance already has the id', async () => {
    hub.put({ instanceId: 'taken', status: 'Running' });
    const res = await httpCall(`${base}/orchestrators/Hello/taken`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect((res.json as { Message: string }).Message).toMatch(/already exists/);
  });

  it('answers 404 for other methods', async () => {
    expect((await httpCall(`${base}/orchestrators/Hello`)).status).toBe(404);
  });

  describe('with timeout and pollingInterval', () => {
    it('answers 200 with the output once the instance completes within the timeout', async () => {
      const answer = httpCall(`${base}/orchestrators/Hello/waited?timeout=30&pollingInterval=1`, { method: 'POST' });
      await until(() => hub.callsOf('waitForCompletion').some(([id]) => id === 'waited'), 'the API to wait');
      hub.put({ instanceId: 'waited', status: 'Completed', output: '["Hello Tokyo!"]' });
      const res = await answer;
      expect(res.status).toBe(200);
      expect(res.json).toEqual(['Hello Tokyo!']);
    });

    it('answers with the status payload (200) when the instance fails', async () => {
      const answer = httpCall(`${base}/orchestrators/Hello/waited-fail?timeout=30&pollingInterval=1`, { method: 'POST' });
      await until(() => hub.callsOf('waitForCompletion').some(([id]) => id === 'waited-fail'), 'the API to wait');
      hub.put({ instanceId: 'waited-fail', status: 'Failed', output: '"boom"' });
      const res = await answer;
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ instanceId: 'waited-fail', runtimeStatus: 'Failed', output: 'boom' });
    });

    it('answers the 202 check-status response when the timeout passes first', async () => {
      const res = await httpCall(`${base}/orchestrators/Hello/waited-late?timeout=0&pollingInterval=0`, { method: 'POST' });
      expect(res.status).toBe(202);
      expect(res.headers.location).toContain('/instances/waited-late?');
    });

    it('refuses a timeout that is not a number before starting anything', async () => {
      const res = await httpCall(`${base}/orchestrators/Hello/never?timeout=soon&pollingInterval=1`, { method: 'POST' });
      expect(res.status).toBe(400);
      expect(await hub.getOrchestration('never')).toBeUndefined();
    });
  });
});

describe('GET instances/{instanceId}', () => {
  it('answers 404 with a message for an unknown instance', async () => {
    const res = await httpCall(`${base}/instances/ghost`);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ Message: "No instance with ID 'ghost' was found." });
  });

  it.each(['Pending', 'Running', 'ContinuedAsNew', 'Suspended'] as const)('answers 202 with Location and Retry-After: 5 while %s', async (status) => {
    hub.put({ instanceId: `s-${status}`, status });
    const url = `${base}/instances/s-${status}?taskHub=MyHub&connection=Storage`;
    const res = await httpCall(url);
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(url);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json).toMatchObject({ instanceId: `s-${status}`, runtimeStatus: status });
  });

  it.each(['Completed', 'Terminated', 'Canceled', 'Failed'] as const)('answers 200 without Location once %s', async (status) => {
    hub.put({ instanceId: `f-${status}`, status });
    const res = await httpCall(`${base}/instances/f-${status}`);
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
  });

  it('answers 500 for a failed instance with returnInternalServerErrorOnFailure=true', async () => {
    hub.put({ instanceId: 'f-500', status: 'Failed', failureDetails: { errorType: 'Error', errorMessage: 'kaboom' } });
    const res = await httpCall(`${base}/instances/f-500?returnInternalServerErrorOnFailure=true`);
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ runtimeStatus: 'Failed', output: "Orchestrator function 'Hello' failed: kaboom" });
  });

  it('renders the status payload with whole-second times, and hides the input with showInput=false', async () => {
    const state = hub.put({ instanceId: 'payload', status: 'Completed', input: '{"a":1}', output: '42', customStatus: '"done"' });
    const res = await httpCall(`${base}/instances/payload`);
    expect(res.json).toEqual({
      name: 'Hello',
      instanceId: 'payload',
      runtimeStatus: 'Completed',
      input: { a: 1 },
      customStatus: 'done',
      output: 42,
      createdTime: `${state.createdAt.slice(0, 19)}Z`,
      lastUpdatedTime: `${state.lastUpdatedAt.slice(0, 19)}Z`,
    });
    expect(((await httpCall(`${base}/instances/payload?showInput=false`)).json as { input: unknown }).input).toBeNull();
  });

  it('adds historyEvents and history with showHistory, and results with showHistoryOutput', async () => {
    hub.put({
      instanceId: 'hist',
      status: 'Completed',
      history: [
        { type: 'executionStarted', eventId: -1, timestamp: '2024-01-01T00:00:00.000Z', name: 'Hello', orchestrationInstance: { instanceId: 'hist', executionId: 'e1' } },
        { type: 'executionCompleted', eventId: 0, timestamp: '2024-01-01T00:00:01.000Z', orchestrationStatus: 'Completed', result: '"ok"' },
      ],
    });
    const plain = (await httpCall(`${base}/instances/hist`)).json as Record<string, unknown>;
    expect(plain).not.toHaveProperty('historyEvents');
    const withHistory = (await httpCall(`${base}/instances/hist?showHistory=true&showHistoryOutput=true`)).json as Record<string, unknown>;
    expect(withHistory.historyEvents).toEqual([
      { EventType: 'ExecutionStarted', Timestamp: '2024-01-01T00:00:00.000Z', FunctionName: 'Hello' },
      { EventType: 'ExecutionCompleted', Timestamp: '2024-01-01T00:00:01.000Z', OrchestrationStatus: 'Completed', Result: 'ok' },
    ]);
    expect(withHistory.history).toEqual(withHistory.historyEvents);
  });
});
