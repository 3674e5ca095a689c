// HTTP functions served like `func start`: routes, constraints, methods, query, headers, cookies, binary bodies,
// CORS, the admin endpoints, and failures that become 500s while the host keeps serving.
import { startCli, type CliProcess } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';

let cli: CliProcess;
const url = (path: string) => `${cli.baseUrl}${path}`;

beforeAll(async () => {
  cli = await startCli({ args: ['start', '--cwd', fixtureApp('http-basic')] });
});
afterAll(async () => {
  await cli?.stop();
});

test('the start-up listing shows HTTP functions with methods and URLs', () => {
  expect(cli.output()).toContain(`hello: [GET,POST] ${cli.baseUrl}/api/hello/{name?}`);
  expect(cli.output()).toContain(`files: [GET] ${cli.baseUrl}/api/files/{*path}`);
});

test('route parameters, repeated query keys, headers, cookies and local.settings.json values reach the function', async () => {
  const response = await fetch(url('/api/hello/Ada?q=1&q=2'), { headers: { 'x-test': 'header value', cookie: 'a=1' } });
  expect(response.status).toBe(201);
  expect(response.headers.get('x-custom')).toBe('yes');
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.getSetCookie()).toEqual(['sid=abc; path=/; samesite=lax; httponly', 'theme=dark; max-age=60']);
  expect(await response.json()).toEqual({
    greeting: 'Hello Ada',
    query: '1,2',
    header: 'header value',
    cookie: 'a=1',
    method: 'GET',
    url: `${cli.baseUrl}/api/hello/Ada?q=1&q=2`,
    body: null,
  });
});

test('an optional parameter may be left out; a POST body arrives', async () => {
  const response = await fetch(url('/api/hello'), { method: 'POST', body: 'posted text' });
  expect(await response.json()).toMatchObject({ greeting: 'Hello world', method: 'POST', body: 'posted text' });
});

test('a function without a route answers at its name, case-insensitively', async () => {
  const response = await fetch(url('/API/noroute'));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('no route');
});

test('a handler that returns nothing gives 200 with an empty body', async () => {
  const response = await fetch(url('/api/nothing'));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
});

test('route constraints pick the route: int, then alpha; a value neither accepts is 404', async () => {
  expect(await (await fetch(url('/api/items/42'))).json()).toEqual({ by: 'id', id: 42 });
  expect(await (await fetch(url('/api/items/Widget'))).json()).toEqual({ by: 'name', name: 'Widget' });
  expect((await fetch(url('/api/items/w1dget'))).status).toBe(404);
  expect((await fetch(url('/api/items/99999999999'))).status).toBe(404);
});

test('defaults and catch-all parameters', async () => {
  expect(await (await fetch(url('/api/pages'))).json()).toEqual({ page: '1' });
  expect(await (await fetch(url('/api/pages/3'))).json()).toEqual({ page: '3' });
  expect(await (await fetch(url('/api/files/a/b/c.txt'))).json()).toEqual({ path: 'a/b/c.txt' });
});

test('request.params holds the route only: query and body values reach it only in streaming apps', async () => {
  const answer = await fetch(url('/api/params/fromRoute?name=fromQuery&extra=x'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"fromBody":"b"}' });
  expect(await answer.json()).toEqual({ name: 'fromRoute' });
});

test('methods select the function; auth levels are bypassed locally, as func does', async () => {
  expect((await fetch(url('/api/items/0f8fad5b-d9cb-469f-a165-70867728950e'), { method: 'DELETE' })).status).toBe(204);
  expect((await fetch(url('/api/items/42'), { method: 'DELETE' })).status).toBe(404);
  expect((await fetch(url('/api/hello/x'), { method: 'PUT' })).status).toBe(404);
  expect((await fetch(url('/api/no/such/route'))).status).toBe(404);
});

test('binary bodies pass through unchanged both ways', async () => {
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
  const response = await fetch(url('/api/echo'), { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  expect(response.headers.get('content-type')).toBe('application/octet-stream');
  expect(response.headers.get('x-length')).toBe('4096');
  expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
});

test('a handler that throws gives 500, its invocation id is logged, and the host keeps serving', async () => {
  const response = await fetch(url('/api/fail'));
  expect(response.status).toBe(500);
  const output = await cli.waitForOutput(/Executed 'Functions\.fail' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\)\nError: boom from handler/);
  expect(output).toContain('boom from handler');
  expect((await fetch(url('/api/hello'))).status).toBe(201);
});

test('a response that is not an HTTP response object gives 500', async () => {
  expect((await fetch(url('/api/badResponse'))).status).toBe(500);
  await cli.waitForOutput('The HTTP response must be an object');
});

test('a handler that outlives host.json functionTimeout gives 500 with the timeout logged', async () => {
  const response = await fetch(url('/api/hang'));
  expect(response.status).toBe(500);
  await cli.waitForOutput(/Timeout value of 00:00:01 exceeded by function 'Functions\.hang' \(Id: '[0-9a-f-]{36}'\)/);
  expect((await fetch(url('/api/nothing'))).status).toBe(200);
});

test('errors that escape an invocation are logged and the host keeps serving', async () => {
  expect(await (await fetch(url('/api/strayErrors'))).text()).toBe('answered before the stray errors');
  await cli.waitForOutput('Unhandled promise rejection in the app (the host keeps running): Error: stray rejection');
  await cli.waitForOutput('Uncaught exception in the app (the host keeps running): Error: stray throw');
  expect((await fetch(url('/api/nothing'))).status).toBe(200);
});

test('CORS from local.settings.json Host.CORS: allowed origins get headers and preflight answers', async () => {
  const preflight = await fetch(url('/api/hello'), {
    method: 'OPTIONS',
    headers: { origin: 'http://allowed.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-test' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
  expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT');
  expect(preflight.headers.get('access-control-allow-headers')).toBe('x-test');

  const allowed = await fetch(url('/api/nothing'), { headers: { origin: 'http://allowed.example' } });
  expect(allowed.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
  const other = await fetch(url('/api/nothing'), { headers: { origin: 'http://evil.example' } });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

test('admin endpoints: status, ping, function metadata, invoking by name', async () => {
  const status = await (await fetch(url('/admin/host/status'))).json();
  expect(status).toMatchObject({ state: 'Running' });
  expect((await fetch(url('/admin/host/ping'), { method: 'POST' })).status).toBe(200);

  const functions = (await (await fetch(url('/admin/functions'))).json()) as { name: string }[];
  expect(functions.map((f) => f.name)).toContain('itemById');
  const itemById = await (await fetch(url('/admin/functions/ITEMBYID'))).json();
  expect(itemById).toMatchObject({ name: 'itemById', invoke_url_template: `${cli.baseUrl}/api/items/{id:int}`, language: 'node' });

  expect((await fetch(url('/admin/functions/nope'), { method: 'POST', body: '{"input":""}' })).status).toBe(404);
  expect((await fetch(url('/admin/functions/hello'), { method: 'POST', body: '{"input":""}' })).status).toBe(400);
});
