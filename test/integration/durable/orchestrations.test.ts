// Real durable-functions v3 orchestrators and activities, in-process on the memory backend (issue 3).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestEnvironment } from '../../../src/testing';
import { eventually, fixtureFlags, startFixture } from '../../support/durable-fixture';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startFixture('durable-features');
});
afterAll(() => env.close());

async function run(name: string, input?: unknown) {
  const id = await env.client.startNew(name, { input });
  return env.client.waitForCompletion(id);
}

describe('orchestrations', () => {
  it('chains activities in sequence', async () => {
    const status = await run('HelloCities');
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('fans out to 1,000 activities and fans back in', async () => {
    const status = await run('FanOut', 1000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe((999 * 1000) / 2 + 1000);
  });

  it('runs sub-orchestrations with a generated id and with a given id', async () => {
    const plain = await run('Parent', 'plain');
    expect(plain.runtimeStatus).toBe('Completed');
    expect(plain.output).toMatchObject({ parent: plain.instanceId, input: 'plain' });

    const withId = await run('Parent', 'with-id');
    expect(withId.output).toEqual({ child: `${withId.instanceId}-child`, parent: withId.instanceId, input: 'x' });
    const child = await env.client.getStatus(`${withId.instanceId}-child`);
    expect(child?.runtimeStatus).toBe('Completed');
  });

  it('retries a failing sub-orchestration until it succeeds', async () => {
    const status = await run('Parent', 'with-retry');
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toMatchObject({ parent: status.instanceId });
  });

  it('retries a failing activity and succeeds on the third attempt', async () => {
    const status = await run('RetryActivity', { failures: 2, attempts: 3 });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('succeeded on attempt 3');
  });

  it('fails with the last error once retry attempts are exhausted', async () => {
    const status = await run('RetryActivity', { failures: 5, attempts: 2 });
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('attempt 2 of');
    expect(String(status.output)).not.toContain('attempt 3 of');
  });

  it('fires durable timers from one second to one year without waiting for them', async () => {
    const second = 1000;
    const day = 86_400 * second;
    const delays = [second, 60 * second, day, 7 * day, 30 * day, 365 * day];
    const status = await run('Timers', delays);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBeGreaterThanOrEqual(delays.reduce((a, b) => a + b, 0));
  });

  it('delivers an external event raised before the orchestration waits for it', async () => {
    const id = await env.client.startNew('EventAfterWork');
    await env.client.raiseEvent(id, 'Data', { early: true });
    const status = await env.client.waitForCompletion(id);
    expect(status.output).toEqual({ greeting: 'Hello Oslo!', data: { early: true } });
  });

  it('delivers an external event raised while the orchestration waits for it', async () => {
    const id = await env.client.startNew('Approval', { input: {} });
    await env.client.waitForStatus(id, (s) => s.customStatus === 'waiting for approval');
    await env.client.raiseEvent(id, 'Approval', 'yes');
    expect((await env.client.waitForCompletion(id)).output).toEqual({ approved: 'yes' });
  });

  it('races an event against a timer: the event wins when it comes first', async () => {
    const id = await env.client.startNew('Approval', { input: { timeoutMs: 3_600_000 } });
    await env.client.raiseEvent(id, 'Approval', 'approved in time');
    expect((await env.client.waitForCompletion(id)).output).toEqual({ approved: 'approved in time' });
  });

  it('races an event against a timer: the timer wins when no event comes', async () => {
    const status = await run('Approval', { timeoutMs: 3_600_000 });
    expect(status.output).toEqual({ timedOut: true });
  });

  it('continues as new over 1,000 generations', async () => {
    const status = await run('CountGenerations', { n: 0, limit: 1000 });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(1000);
  });

  it('shows custom status while the orchestration runs', async () => {
    const id = await env.client.startNew('Progress');
    const step = (n: number) => env.client.waitForStatus(id, (s) => (s.customStatus as { step?: number } | undefined)?.step === n);
    await step(1);
    await env.client.raiseEvent(id, 'Next', undefined);
    await step(2);
    await env.client.raiseEvent(id, 'Next', undefined);
    const status = await env.client.waitForCompletion(id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'finished', customStatus: { step: 2 } });
  });

  it('reports isReplaying true for code before the last completed task and false after it', async () => {
    const status = await run('Replaying');
    expect(status.output).toEqual([true, true, false]);
  });

  it('keeps the timers of one instance apart from another (no cross-talk)', async () => {
    const ids = await Promise.all([1, 2, 3].map((n) => env.client.startNew('Timers', { input: [n * 60_000] })));
    const results = await Promise.all(ids.map((id) => env.client.waitForCompletion(id)));
    results.forEach((status, i) => expect(status.output).toBeGreaterThanOrEqual((i + 1) * 60_000));
  });

  it("polls callHttp's 202s at host.json's httpSettings.defaultAsyncRequestSleepTimeMilliseconds", async () => {
    // The fixture sets 10 ms. Six 202s without Retry-After would wait 3 minutes at the 30 s default, past the test's
    // timeout (specs/durable-functions-protocol.md §9.6).
    let polls = 0;
    const server = createServer((req, res) => {
      if (req.url === '/job' || polls++ < 5) res.writeHead(202, { Location: '/job/status' }).end();
      else res.writeHead(200).end('done');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const status = await run('CallsHttp', `http://127.0.0.1:${(server.address() as AddressInfo).port}/job`);
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { statusCode: 200, content: 'done' } });
      expect(polls).toBe(6);
    } finally {
      server.close();
    }
  });
});

describe('determinism', () => {
  afterEach(() => {
    fixtureFlags().nondeterministic = false;
  });

  it('fails an orchestration whose code schedules something else than its history recorded', async () => {
    const id = await env.client.startNew('Nondeterministic');
    await eventually(
      async () => ((await env.client.getHistory(id)) as { EventType: string }[]).some((e) => e.EventType === 'TaskCompleted') || undefined,
      'the first activity to complete',
    );
    fixtureFlags().nondeterministic = true;
    await env.client.raiseEvent(id, 'continue', undefined);
    const status = await env.client.waitForCompletion(id);
    expect(status.runtimeStatus).toBe('Failed');
    const message = String(status.output);
    expect(message).toContain(id);
    expect(message).toContain('SayHello');
    expect(message).toContain('Add');
  });
});
