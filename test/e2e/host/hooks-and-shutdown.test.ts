// App hooks run as in the Node worker, and SIGTERM stops gracefully: in-flight invocations finish, new requests get
// 503, then appTerminate hooks run and the process exits 0.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCli, type CliProcess } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';

let cli: CliProcess;
let scratch: string;
const url = (p: string) => `${cli.baseUrl}${p}`;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hooks-'));
  cli = await startCli({
    args: ['start', '--cwd', fixtureApp('hooks')],
    env: { TERMINATE_MARKER: path.join(scratch, 'terminated'), RELEASE_FILE: path.join(scratch, 'release') },
  });
});
afterAll(async () => {
  await cli?.stop();
});

test('appStart hooks run before the first invocation', async () => {
  expect(await (await fetch(url('/api/started'))).json()).toEqual({ startedWith: ['started'] });
});

test('postInvocation can rewrite the result, seeing the hookData preInvocation wrote', async () => {
  expect(await (await fetch(url('/api/rewritten'))).json()).toEqual({ original: { from: 'handler' }, pre: 'pre:rewritten' });
});

test('postInvocation can clear the error and supply a result', async () => {
  const response = await fetch(url('/api/recovered'));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('recovered from: handler failure');
});

test('log hooks rewrite user log messages', async () => {
  await fetch(url('/api/logs'));
  await cli.waitForOutput('[log hook] user message');
});

test('preInvocation can replace the inputs of a function run through the admin API', async () => {
  const accepted = await fetch(url('/admin/functions/replacedInputs'), { method: 'POST', body: JSON.stringify({ input: 'original' }) });
  expect(accepted.status).toBe(202);
  await cli.waitForOutput(/Executed 'Functions\.replacedInputs' \(Succeeded/);
  expect(await (await fetch(url('/api/lastInput'))).json()).toEqual({ lastInput: 'replaced by preInvocation' });
});

test('SIGTERM waits for the running invocation, refuses new ones, then runs appTerminate and exits 0', async () => {
  const slow = fetch(url('/api/slow'));
  await cli.waitForOutput('slow invocation started');
  cli.child.kill('SIGTERM');
  await cli.waitForOutput('SIGTERM received');

  expect((await fetch(url('/api/started'))).status).toBe(503);
  expect(existsSync(path.join(scratch, 'terminated'))).toBe(false);

  await writeFile(path.join(scratch, 'release'), '');
  const response = await slow;
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('slow invocation finished');
  expect(await cli.exited).toEqual({ code: 0, signal: null });
  expect(await readFile(path.join(scratch, 'terminated'), 'utf8')).toBe('appTerminate ran');
});
