// A user installs durable-runtime into their own app the way the README says: `npm pack` in a clone, then
// `npm install <tarball>` in the app (its dependencies come from the npm registry, or npm's cache), then
// `npx durable-runtime start`. One HTTP function and one orchestration are driven over HTTP.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, startCli, type CliProcess } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';
import { waitFor } from '../../support/wait-for';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
/** npm run (as in `npm test`) sets npm_* variables such as npm_config_local_prefix that would point npm back here. */
const cleanEnv = Object.fromEntries(Object.keys(process.env).filter((name) => /^npm_/i.test(name)).map((name) => [name, undefined]));
const env = { ...process.env, ...cleanEnv };

let work: string;
let packedFiles: string[];
let cli: CliProcess | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'durable-runtime-install-'));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work], { cwd: REPO_ROOT, env });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed.files.map((file) => file.path);

  const appDir = path.join(work, 'app');
  await cp(fixtureApp('installed-app'), appDir, { recursive: true });
  await run(npm, ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, packed.filename)], {
    cwd: appDir,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  cli = await startCli({ command: [npx, 'durable-runtime'], args: ['start', '--backend', 'memory'], cwd: appDir, env: cleanEnv, readyTimeoutMs: 60_000 });
}, 15 * 60_000);

afterAll(async () => {
  await cli?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the tarball holds the runtime only: no tests, fixtures, sources or sample app', () => {
  expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts']));
  expect(packedFiles.filter((file) => !file.startsWith('dist/src/') && file !== 'package.json' && file !== 'README.md')).toEqual([]);
});

test('npx durable-runtime start serves the app’s HTTP function', async () => {
  const response = await fetch(`${cli!.baseUrl}/api/hello?name=Ada`);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('Hello, Ada!');
});

test('and runs its orchestration, started and polled over HTTP', async () => {
  const started = await fetch(`${cli!.baseUrl}/api/orchestrators/HelloCities`, { method: 'POST' });
  expect(started.status).toBe(202);
  const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
  const status = await waitFor('HelloCities to complete', async () => {
    const body = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string };
    return body.runtimeStatus === 'Completed' ? body : undefined;
  });
  expect(status).toMatchObject({ name: 'HelloCities', output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'] });
});
