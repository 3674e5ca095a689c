// HTTP streaming mode (app.setup({ enableHttpStream: true })): request and response bodies stream through the
// library's proxy (specs/functions-host.md §10).
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCli, type CliProcess } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';

let cli: CliProcess;
let releaseFile: string;
const url = (p: string) => `${cli.baseUrl}${p}`;

beforeAll(async () => {
  releaseFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'streaming-')), 'release');
  cli = await startCli({ args: ['start', '--cwd', fixtureApp('streaming')], env: { RELEASE_FILE: releaseFile } });
});
afterAll(async () => {
  await cli?.stop();
});

test('the response streams: the first chunk arrives while the handler is still producing', async () => {
  const response = await fetch(url('/api/chunks'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  while (!received.includes('first chunk\n')) received += decoder.decode((await reader.read()).value);
  expect(received).toBe('first chunk\n');

  await writeFile(releaseFile, '');
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += decoder.decode(chunk.value);
  expect(received).toBe('first chunk\nsecond chunk\n');
});

test('the request body streams in; params, query, headers, status and cookies work', async () => {
  const body = Buffer.alloc(3 * 1024 * 1024, 7);
  const response = await fetch(url('/api/upload/report?q=yes'), { method: 'POST', body, headers: { 'x-test': 'streamed header' } });
  expect(response.status).toBe(201);
  expect(response.headers.getSetCookie()).toEqual(['streamed=yes; HttpOnly']);
  expect(await response.json()).toEqual({ name: 'report', q: 'yes', header: 'streamed header', bytes: body.length, sum: (body.length * 7) % 65521 });
});

test('a failing handler gives 500 and the host keeps serving; returning nothing gives 200', async () => {
  expect((await fetch(url('/api/streamFail'))).status).toBe(500);
  await cli.waitForOutput('streaming handler failed');
  const nothing = await fetch(url('/api/streamNothing'));
  expect(nothing.status).toBe(200);
  expect(await nothing.text()).toBe('');
});
