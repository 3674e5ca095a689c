// Bad input at start-up: each error names the file or function, says what to do, and exits non-zero.
import net from 'node:net';
import path from 'node:path';
import { freePort, runCli } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';

const start = (app: string, ...extra: string[]) => runCli({ args: ['start', '--cwd', fixtureApp(app), ...extra] });

test.each([
  ['broken-load', 'Worker was unable to load entry point "index.js": kaboom while loading the module', `broken-load${path.sep}index.js:4`],
  ['broken-glob', 'Worker was unable to load entry point "dist/functions/*.js": Found zero files matching the supplied pattern', 'npm run build'],
  ['broken-host-json', `broken-host-json${path.sep}host.json: is not valid JSON`, 'Fix the file'],
  ['broken-settings', `broken-settings${path.sep}local.settings.json: is not valid JSON`, 'Fix the file or delete it'],
  ['broken-route-conflict', "The route 'Orders/{id}' of function 'secondClaim' conflicts with the route defined by function 'firstClaim'", 'another route'],
  ['broken-schedule', "The timer schedule of function 'badTimer' is not valid", "e.g. '0 */5 * * * *'"],
])('%s fails to start with a message that names the problem', async (app, message, hint) => {
  const result = await start(app);
  expect(result.code).toBe(1);
  expect(result.output).toContain(message);
  expect(result.output).toContain(hint);
  expect(result.output).not.toContain('Host started');
});

test('an app folder that does not exist', async () => {
  const result = await runCli({ args: ['start', '--cwd', fixtureApp('no-such-app')] });
  expect(result.code).toBe(1);
  expect(result.output).toContain(`The app folder ${fixtureApp('no-such-app')} does not exist`);
});

test('a port that is taken', async () => {
  const port = await freePort();
  const blocker = net.createServer().listen(port);
  await new Promise((resolve) => blocker.once('listening', resolve));
  try {
    const result = await start('esm-app', '--port', String(port));
    expect(result.code).toBe(1);
    expect(result.output).toContain(`Port ${port} is unavailable. Close the process using that port, or specify another port using --port.`);
  } finally {
    blocker.close();
  }
});

test('usage errors exit 2 and say what to do; --help exits 0', async () => {
  const unknownOption = await runCli({ args: ['start', '--bogus'] });
  expect(unknownOption.code).toBe(2);
  expect(unknownOption.output).toContain("Unknown option '--bogus' for 'durable-runtime start'. Run 'durable-runtime start --help' to see the options.");

  const unknownCommand = await runCli({ args: ['serve'] });
  expect(unknownCommand.code).toBe(2);
  expect(unknownCommand.output).toContain("Unknown command 'serve'. Run 'durable-runtime --help' to see the commands.");

  const help = await runCli({ args: ['start', '--help'] });
  expect(help.code).toBe(0);
  expect(help.output).toContain('Usage: durable-runtime start [options]');
  expect(help.output).toContain('--require-keys');
});
