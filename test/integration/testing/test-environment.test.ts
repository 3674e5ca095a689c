// What createTestEnvironment adds on top of running the app: the one-call helper, mocks and their restoring, and
// env.fetch's refusal of URLs that are not the app's. The samples' own tests (test/integration/samples/) cover the rest.
import * as path from 'node:path';
import { appGlobal, loadFunctionApp } from '../../../src/functions-host';
import { createTestEnvironment, runOrchestration, type TestEnvironment } from '../../../src/testing';
import { waitFor } from '../../support/wait-for';

const APP = path.resolve(__dirname, '../../..'); // the sample app; npm test builds it first

it('runs one orchestration with an activity mocked in one call', async () => {
  const output = await runOrchestration(APP, 'HelloCities', { activities: { SayHello: (city: string) => `Hi ${city}` } });
  expect(output).toEqual(['Hi Tokyo', 'Hi Seattle', 'Hi London']);
});

it('rejects with the failure when the orchestration does not complete', async () => {
  const failing = runOrchestration(APP, 'HelloCities', { activities: { SayHello: () => { throw new Error('no greetings today'); } } });
  await expect(failing).rejects.toThrow(/ended Failed: .*no greetings today/);
});

describe('one environment', () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await createTestEnvironment({ appDir: APP });
  });
  afterAll(() => env.close());

  const counter = async (key: string) => (await env.fetch(`/api/counter/${key}`)).json() as Promise<{ value: number }>;
  const added = (key: string, value: number) => waitFor(`counter ${key} to read ${value}`, async () => (await counter(key)).value === value);

  it('replaces an entity until the mock is restored', async () => {
    const restore = env.mockEntity('Counter', (context) => context.df.setState(((context.df.getState(() => 0) as number) ?? 0) + 100));
    await env.fetch('/api/counter/mocked/add', { method: 'POST', body: '1' });
    await added('mocked', 100);
    restore();
    await env.fetch('/api/counter/mocked/add', { method: 'POST', body: '1' });
    await added('mocked', 101);
  });

  it('replaces an activity and restores every mock with resetMocks', async () => {
    env.mockActivity('SayHello', (city: string) => `Mocked ${city}`);
    const first = await env.client.startNew('HelloCities');
    expect((await env.client.waitForCompletion(first)).output).toEqual(['Mocked Tokyo', 'Mocked Seattle', 'Mocked London']);
    env.resetMocks();
    const second = await env.client.startNew('HelloCities');
    expect((await env.client.waitForCompletion(second)).output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('refuses to mock a function the app does not register, listing the ones it does', () => {
    expect(() => env.mockActivity('SayHelo', () => 'typo')).toThrow(/Cannot mock the activity 'SayHelo'.*SayHello/);
  });

  it('serves the app in-process and refuses URLs on another origin', async () => {
    const hello = await env.fetch(new Request('http://localhost:7071/api/hello?name=Ada'));
    expect(await hello.json()).toEqual({ message: 'Hello, Ada!' });
    await expect(env.fetch('http://example.com/api/hello')).rejects.toThrow('This fetch reaches only the app at http://localhost:7071, but was asked for http://example.com/api/hello.');
  });
});

describe('close() puts back the environment the load changed, so one jest file does not leak settings into the next', () => {
  // The environment the app sees (jest gives test modules a copy of process.env).
  const appEnv = appGlobal.process.env;
  const SETTINGS_APP = path.resolve(__dirname, '../../fixtures/apps/settings-env');
  const VALUE = 'SETTINGS_ENV_FIXTURE_VALUE';

  it("restores local.settings.json's values and connection strings and the variables func sets", async () => {
    const before = { ...appEnv };
    const env = await createTestEnvironment({ appDir: SETTINGS_APP });
    expect(await (await env.fetch('/api/setting')).text()).toBe('from local.settings.json');
    expect(appEnv['ConnectionStrings:SettingsEnvFixture']).toBe('Server=example');
    expect(appEnv.AzureWebJobsScriptRoot).toBe(SETTINGS_APP);
    await env.close();
    expect({ ...appEnv }).toEqual(before);
  });

  it('keeps a value the test set after the load', async () => {
    const env = await createTestEnvironment({ appDir: SETTINGS_APP });
    appEnv[VALUE] = 'set by the test';
    await env.close();
    expect(appEnv[VALUE]).toBe('set by the test');
    delete appEnv[VALUE];
  });

  it('keeps the settings while another environment of the app is still open', async () => {
    const first = await createTestEnvironment({ appDir: SETTINGS_APP });
    const second = await createTestEnvironment({ appDir: SETTINGS_APP });
    await first.close();
    expect(await (await second.fetch('/api/setting')).text()).toBe('from local.settings.json');
    await second.close();
    expect(appEnv[VALUE]).toBeUndefined();
  });

  it('puts back the values of an app loaded before and still loaded (as `durable-runtime start` or an earlier test file leaves them)', async () => {
    const original = { ...appEnv };
    const loaded = await loadFunctionApp({ appDir: path.resolve(__dirname, '../../fixtures/apps/http-basic'), port: 7072 });
    const before = { ...appEnv };
    const env = await createTestEnvironment({ appDir: SETTINGS_APP });
    await env.close();
    expect({ ...appEnv }).toEqual(before);
    loaded.restoreEnvironment();
    expect({ ...appEnv }).toEqual(original);
  });
});
