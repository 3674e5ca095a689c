// `durable-runtime start --require-keys`: the webhook routes need the system key, the links handed out carry
// it, and durable-functions' client inside the app still works (it uses the loopback RPC endpoint).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliProcess } from '../../support/cli-process';
import { scratchCopy } from '../../support/fixture-apps';
import { call, finished, startApp } from './e2e-app';

let cli: CliProcess;
let appDir: string;
let key: string;
beforeAll(async () => {
  // A copy, so the generated .durable-runtime/keys.json stays out of the repository.
  appDir = await scratchCopy('http-api');
  cli = await startApp({ requireKeys: true, appDir });
  const keys = JSON.parse(readFileSync(path.join(appDir, '.durable-runtime', 'keys.json'), 'utf8')) as { systemKeys: Record<string, string> };
  key = keys.systemKeys.durabletask_extension;
});
afterAll(() => cli.stop());

it('answers 401 without the system key and serves with it', async () => {
  const url = `${cli.baseUrl}/runtime/webhooks/durabletask/instances/`;
  expect((await call(url)).status).toBe(401);
  expect((await call(`${url}?code=wrong`)).status).toBe(401);
  expect((await call(`${url}?code=${encodeURIComponent(key)}`)).status).toBe(200);
  expect((await call(url, { headers: { 'x-functions-key': key } })).status).toBe(200);
});

it('hands out links that carry the key and work as they are', async () => {
  const started = await call(`${cli.baseUrl}/api/start/HelloCities/`, { method: 'POST' });
  expect(started.status).toBe(202);
  const links = started.body as Record<string, string>;
  expect(links.statusQueryGetUri).toContain(`code=${encodeURIComponent(key)}`);
  expect((await finished(links.statusQueryGetUri)).body).toMatchObject({ runtimeStatus: 'Completed' });
});

it('prints the dashboard URL, serves its page, and guards its API with the same system key', async () => {
  expect(cli.output()).toContain(`Dashboard: ${cli.baseUrl}/runtime/dashboard/ (asks for the durabletask_extension system key)`);
  expect((await call(`${cli.baseUrl}/runtime/dashboard/`)).status).toBe(200);
  const api = `${cli.baseUrl}/runtime/dashboard/api/v1/hub`;
  expect(await call(api)).toMatchObject({ status: 401, body: { error: expect.stringMatching(/needs the system key/) } });
  expect(await call(api, { headers: { 'x-functions-key': key } })).toMatchObject({ status: 200, body: { backend: expect.any(String) } });
});
