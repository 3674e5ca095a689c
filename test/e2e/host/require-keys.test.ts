// `--require-keys`: authLevel enforced with keys generated into .durable-runtime/keys.json, as func --enableAuth does.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startCli, type CliProcess } from '../../support/cli-process';
import { scratchCopy } from '../../support/fixture-apps';

let appDir: string;
let cli: CliProcess;
let keys: { masterKey: string; functionKeys: { default: string } };
const url = (p: string) => `${cli.baseUrl}${p}`;
const keysPath = () => path.join(appDir, '.durable-runtime', 'keys.json');
const masterKeyHeader = (): Record<string, string> => (existsSync(keysPath()) ? { 'x-functions-key': JSON.parse(readFileSync(keysPath(), 'utf8')).masterKey as string } : {});

beforeAll(async () => {
  appDir = await scratchCopy('http-basic');
  cli = await startCli({ args: ['start', '--cwd', appDir, '--require-keys'], statusHeaders: masterKeyHeader });
  keys = JSON.parse(readFileSync(keysPath(), 'utf8'));
});
afterAll(async () => {
  await cli?.stop();
});

test('keys are generated once into the app folder and the master key is printed', () => {
  expect(keys.masterKey).toMatch(/^[\w-]{40}$/);
  expect(keys.functionKeys.default).toMatch(/^[\w-]{40}$/);
  expect(cli.output()).toContain(`Master key: ${keys.masterKey}`);
});

test('anonymous functions need no key', async () => {
  expect((await fetch(url('/api/hello'))).status).toBe(201);
});

test('function-level routes need a function key or the master key, in ?code= or x-functions-key', async () => {
  expect((await fetch(url('/api/items/1'))).status).toBe(401);
  expect((await fetch(url('/api/items/1?code=wrong'))).status).toBe(401);
  expect((await fetch(url(`/api/items/1?code=${keys.functionKeys.default}`))).status).toBe(200);
  expect((await fetch(url('/api/items/1'), { headers: { 'x-functions-key': keys.masterKey } })).status).toBe(200);
});

test('admin-level routes need the master key', async () => {
  const guid = '0f8fad5b-d9cb-469f-a165-70867728950e';
  expect((await fetch(url(`/api/items/${guid}?code=${keys.functionKeys.default}`), { method: 'DELETE' })).status).toBe(401);
  expect((await fetch(url(`/api/items/${guid}?code=${keys.masterKey}`), { method: 'DELETE' })).status).toBe(204);
});

test('the admin API needs the master key, except ping', async () => {
  expect((await fetch(url('/admin/host/status'))).status).toBe(401);
  expect((await fetch(url('/admin/host/ping'))).status).toBe(200);
  expect((await fetch(url('/admin/functions'), { headers: { 'x-functions-key': keys.masterKey } })).status).toBe(200);
});

test('keys presented in requests never reach the request logs', () => {
  const afterStartUp = cli.output().split('Host started on')[1];
  expect(afterStartUp).toContain("Executed 'Functions.itemById' (Succeeded");
  expect(afterStartUp).not.toContain(keys.functionKeys.default);
  expect(afterStartUp).not.toContain(keys.masterKey);
  expect(afterStartUp).not.toContain('code=');
});

test('a restart reads the same keys back', async () => {
  await cli.stop();
  cli = await startCli({ args: ['start', '--cwd', appDir, '--require-keys'], statusHeaders: masterKeyHeader });
  expect(cli.output()).toContain(`Master key: ${keys.masterKey}`);
  expect(cli.output()).toContain('Function keys read from');
});
