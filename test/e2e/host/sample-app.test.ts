// The repository root is itself a Function App: `npm start` serves functions/ from dist/functions.
import { REPO_ROOT, startCli, type CliProcess } from '../../support/cli-process';

let cli: CliProcess;

beforeAll(async () => {
  cli = await startCli({ args: ['start'], cwd: REPO_ROOT });
});
afterAll(async () => {
  await cli?.stop();
});

test('the sample app answers at /api/hello', async () => {
  const response = await fetch(`${cli.baseUrl}/api/hello?name=Ada`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ message: 'Hello, Ada!' });
});
