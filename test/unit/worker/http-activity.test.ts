// callHttp's built-in activity against a real local HTTP server (specs/durable-functions-protocol.md §3.3 action 8, §9.6).

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { ActivityWorkItem } from '../../../src/core';
import { HTTP_ACTIVITY } from '../../../src/durable-functions';
import { runBuiltInActivity, type BuiltInActivityDeps } from '../../../src/worker';
import { OrchestrationDriver } from '../durable-functions/support/orchestration-driver';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let statusPolls = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/start') {
        res.writeHead(202, { Location: '/status/1', 'Retry-After': '2' }).end();
      } else if (req.url === '/status/1') {
        statusPolls += 1;
        if (statusPolls === 1) res.writeHead(202, { Location: '/status/1' }).end();
        else res.writeHead(200, { 'Content-Type': 'application/json', 'X-Result': 'done', 'Set-Cookie': ['a=1', 'b=2'] }).end('{"finished":true}');
      } else if (req.url === '/whoami') {
        res.writeHead(200).end(String(req.headers.authorization));
      } else {
        res.writeHead(202, { Location: '/status/never' }).end('accepted');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  statusPolls = 0;
});

const httpItem = (request: object): ActivityWorkItem => ({
  kind: 'activity',
  name: HTTP_ACTIVITY,
  input: JSON.stringify(request),
  instanceId: 'i',
  executionId: 'e',
  taskId: 0,
  completionToken: 't',
});

function deps(extra: BuiltInActivityDeps = {}): BuiltInActivityDeps & { waits: number[] } {
  const waits: number[] = [];
  return { sleep: async (ms) => void waits.push(ms), defaultPollIntervalMs: 1234, waits, ...extra };
}

it('follows 202 + Location inside the activity and returns only the final response', async () => {
  const d = deps();
  const result = await runBuiltInActivity(
    httpItem({ method: 'POST', uri: `${base}/start`, content: '{"job":1}', headers: { 'x-functions-key': 'secret', 'x-trace': 't1' }, asynchronousPatternEnabled: true }),
    d,
  );
  expect(result.failureDetails).toBeUndefined();
  const response = JSON.parse(result.result!);
  expect(response).toMatchObject({ statusCode: 200, content: '{"finished":true}', headers: { 'x-result': 'done', 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] } });
  expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /start', 'GET /status/1', 'GET /status/1']);
  expect(seen[0]).toMatchObject({ body: '{"job":1}', headers: { 'x-functions-key': 'secret', 'x-trace': 't1' } });
  // Polls keep the caller's headers except the function key (.NET CreateLocationPollRequest).
  expect(seen[1].headers['x-functions-key']).toBeUndefined();
  expect(seen[1].headers['x-trace']).toBe('t1');
  // Retry-After in seconds first, then the default interval when a 202 has none.
  expect(d.waits).toEqual([2000, 1234]);
});

it('returns the 202 itself when polling is disabled', async () => {
  const result = await runBuiltInActivity(httpItem({ method: 'GET', uri: `${base}/accepted`, asynchronousPatternEnabled: false }), deps());
  expect(JSON.parse(result.result!)).toMatchObject({ statusCode: 202, content: 'accepted' });
  expect(seen).toHaveLength(1);
});

it('adds a bearer token for the tokenSource resource scope', async () => {
  const scopes: string[] = [];
  const credential: TokenCredential = {
    getToken: async (scope): Promise<AccessToken> => {
      scopes.push(String(scope));
      return { token: 'token-123', expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const result = await runBuiltInActivity(
    httpItem({ method: 'GET', uri: `${base}/whoami`, tokenSource: { resource: 'https://management.core.windows.net', kind: 'AzureManagedIdentity' } }),
    deps({ credential }),
  );
  expect(JSON.parse(result.result!).content).toBe('Bearer token-123');
  expect(scopes).toEqual(['https://management.core.windows.net/.default']);
});

it('fails with the transport error, which the orchestrator sees verbatim (§9.6)', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const driver = new OrchestrationDriver(function* (context: any) {
    try {
      yield context.df.callHttp({ method: 'GET', url });
    } catch (error) {
      return (error as Error).message;
    }
  });
  const [action] = await driver.episode();
  const result = await runBuiltInActivity(httpItem(JSON.parse((action as { input: string }).input)), deps());
  expect(result.failureDetails?.errorMessage).toMatch(new RegExp(`^The HTTP request GET ${url} failed: fetch failed \\(.*ECONNREFUSED`));
  driver.failTaskWith(action.id, result.failureDetails!);
  await driver.episode();
  expect(driver.output).toBe(`${result.failureDetails!.errorMessage} \n `);
});

it('runs an orchestrator\'s callHttp end to end', async () => {
  const driver = new OrchestrationDriver(function* (context: any) {
    const response = yield context.df.callHttp({ method: 'POST', url: `${base}/start`, body: { job: 2 } });
    return { status: response.statusCode, body: JSON.parse(response.content), header: response.headers['x-result'] };
  });
  const [action] = await driver.episode();
  const result = await runBuiltInActivity({ ...httpItem({}), input: (action as { input: string }).input }, deps());
  driver.completeTask(action.id, JSON.parse(result.result!));
  await driver.episode();
  expect(driver.output).toEqual({ status: 200, body: { finished: true }, header: 'done' });
  expect(seen[0].body).toBe('{"job":2}');
});

it('refuses names it does not know and inputs that are not requests', async () => {
  expect((await runBuiltInActivity({ ...httpItem({}), name: 'BuiltIn::Nope' })).failureDetails?.errorMessage).toBe("'BuiltIn::Nope' is not a built-in activity of this runtime.");
  expect((await runBuiltInActivity(httpItem({ method: 'GET' }))).failureDetails?.errorMessage).toMatch(/^callHttp needs a request with a url/);
});
