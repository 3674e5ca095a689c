// An ES module app ("type": "module", brace glob in "main") served with an empty route prefix, on the port its
// local.settings.json names (Host.LocalHttpPort) since no --port is given.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, startCli, type CliProcess } from '../../support/cli-process';
import { scratchCopy } from '../../support/fixture-apps';

let cli: CliProcess;

beforeAll(async () => {
  const appDir = await scratchCopy('esm-app');
  const port = await freePort();
  await writeFile(path.join(appDir, 'local.settings.json'), JSON.stringify({ IsEncrypted: false, Values: {}, Host: { LocalHttpPort: port } }));
  cli = await startCli({ args: ['start', '--cwd', appDir], port, passPort: false });
});
afterAll(async () => {
  await cli?.stop();
});

test('every file the glob matches is imported and its functions are served', async () => {
  expect(await (await fetch(`${cli.baseUrl}/hello`)).text()).toBe('hello from index.js');
  expect(await (await fetch(`${cli.baseUrl}/extra/7`)).json()).toEqual({ id: '7' });
  expect((await fetch(`${cli.baseUrl}/extra/seven`)).status).toBe(404);
});
