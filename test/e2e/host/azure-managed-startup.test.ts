// `durable-runtime start --backend azureManaged` with bad settings: one message naming the setting, exit code 1
// (issue 15 "Bad input"). The fixture app's host.json names hub FeaturesHub.
import net from 'node:net';
import { freePort, runCli } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';

const SETTING = 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING';

async function startWith(connectionString: string | undefined, extraEnv: Record<string, string> = {}) {
  const result = await runCli({
    args: ['start', '--cwd', fixtureApp('durable-features'), '--backend', 'azureManaged', '--port', String(await freePort())],
    env: { [SETTING]: connectionString, ...extraEnv },
    timeoutMs: 40_000,
  });
  expect(result.code).toBe(1);
  expect(result.output).not.toContain('Host started');
  return result.output;
}

test.each([
  [undefined, `The app setting ${SETTING} is not set`],
  ['Authentication=None;TaskHub=FeaturesHub', `The app setting ${SETTING} has no Endpoint`],
  ['Endpoint=http://localhost:1;Authentication=Certificate', `The app setting ${SETTING} has an unknown Authentication 'Certificate'`],
  ['Endpoint=http://local host:8080;Authentication=None', `The app setting ${SETTING} has an Endpoint that is not a URL`],
  [
    'Endpoint=http://localhost:8080;Authentication=None;TaskHub=default',
    `The app setting ${SETTING} says TaskHub=default, but ${fixtureApp('durable-features')}/host.json extensions.durableTask.hubName is 'FeaturesHub'`,
  ],
])('%p is refused at start-up with a message naming the setting', async (connectionString, message) => {
  expect(await startWith(connectionString)).toContain(message);
});

test('an endpoint where nothing answers', async () => {
  // 127.0.0.2 is this machine but not one of the endpoints start would start an emulator for.
  const port = await freePort();
  expect(await startWith(`Endpoint=http://127.0.0.2:${port};Authentication=None`)).toContain(
    `Nothing answers at http://127.0.0.2:${port} (the Endpoint in ${SETTING})`,
  );
});

test('an endpoint that accepts connections but never answers', async () => {
  const silent = net.createServer(() => undefined).listen(0, '127.0.0.1');
  await new Promise((resolve) => silent.once('listening', resolve));
  try {
    const { port } = silent.address() as net.AddressInfo;
    expect(await startWith(`Endpoint=http://localhost:${port};Authentication=None`)).toContain(`did not answer in time`);
  } finally {
    silent.close();
  }
});

test('an identity that cannot get a token names the role it needs', async () => {
  const output = await startWith(`Endpoint=https://127.0.0.2:1;Authentication=Environment`, { AZURE_TENANT_ID: '', AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '' });
  expect(output).toContain('Could not get a token for https://durabletask.io/.default with Authentication=Environment in DURABLE_TASK_SCHEDULER_CONNECTION_STRING');
  expect(output).toContain("'Durable Task Data Contributor' role");
});
