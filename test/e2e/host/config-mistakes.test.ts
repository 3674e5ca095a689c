// Configuration mistakes get one line that names the file and the key and says what is supported. Where the real host
// would go on (a misspelt extension section, no host.json) start-up goes on; a storage provider that cannot run here
// stops it, and the --backend it names does run the app.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, startCli } from '../../support/cli-process';
import { scratchCopy } from '../../support/fixture-apps';
import { waitFor } from '../../support/wait-for';

const hostJson = (extensions: object) => JSON.stringify({ version: '2.0', extensions });
const copies: string[] = [];

async function appWith(fixture: string, hostJsonText: string | undefined): Promise<string> {
  const dir = await scratchCopy(fixture);
  copies.push(dir);
  if (hostJsonText === undefined) await rm(path.join(dir, 'host.json'));
  else await writeFile(path.join(dir, 'host.json'), hostJsonText);
  return dir;
}

afterAll(() => Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Starts HelloCities through the app's HTTP starter and waits for its output. */
async function runHelloCities(baseUrl: string): Promise<unknown> {
  const started = await fetch(`${baseUrl}/api/start/HelloCities`, { method: 'POST' });
  expect(started.status).toBe(202);
  const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
  return waitFor('HelloCities to complete', async () => {
    const status = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
    return status.runtimeStatus === 'Completed' ? status.output : undefined;
  });
}

test('a misspelt extensions section is named with the section it resembles, and the app still runs', async () => {
  const appDir = await appWith('http-api', hostJson({ durableTsk: { hubName: 'Misspelt' } }));
  const cli = await startCli({ args: ['start', '--cwd', appDir, '--backend', 'memory'] });
  try {
    expect(cli.output()).toContain(
      `${path.join(appDir, 'host.json')}: "extensions.durableTsk" is not a section of any known extension, so it is ignored; did you mean "durableTask"? ` +
        'Known sections: blobs, cosmosDB, durableTask, eventHubs, http, kafka, mcp, queues, rabbitMQ, sendGrid, serviceBus, sql.',
    );
    expect(await runHelloCities(cli.baseUrl)).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  } finally {
    await cli.stop();
  }
});

test('a missing host.json is named, and the defaults serve the app', async () => {
  const appDir = await appWith('http-basic', undefined);
  const cli = await startCli({ args: ['start', '--cwd', appDir] });
  try {
    expect(cli.output()).toContain(`${path.join(appDir, 'host.json')}: not found, so the host's defaults apply (routes under /api, durable storage AzureStorage).`);
    expect((await fetch(`${cli.baseUrl}/api/hello/Ada`)).status).toBe(201);
  } finally {
    await cli.stop();
  }
});

test.each([
  ['mssql', ' (the Durable Task SQL Server provider)'],
  ['Netherite', ' (the Netherite provider)'],
])('storageProvider.type %s stops start-up with the backends that run, and --backend memory runs the app', async (type, what) => {
  const appDir = await appWith('http-api', hostJson({ durableTask: { hubName: 'SqlHub', storageProvider: { type } } }));

  const refused = await runCli({ args: ['start', '--cwd', appDir] });
  expect(refused.code).toBe(1);
  expect(refused.output).toContain(
    `${path.join(appDir, 'host.json')}: extensions.durableTask.storageProvider.type is "${type}"${what}, which durable-runtime does not run. ` +
      'Supported: --backend memory|AzureStorage|azureManaged. ' +
      `Start with one of those; host.json can keep "${type}" for Azure.`,
  );
  expect(refused.output).not.toContain('Host started');

  const cli = await startCli({ args: ['start', '--cwd', appDir, '--backend', 'memory'] });
  try {
    expect(cli.output()).toContain("Durable backend: memory (task hub 'SqlHub'");
    expect(await runHelloCities(cli.baseUrl)).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  } finally {
    await cli.stop();
  }
});
