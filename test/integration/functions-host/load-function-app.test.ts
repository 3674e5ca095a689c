// loadFunctionApp inside a jest process: apps load through Node's own loader, can be loaded again and again, and are
// invoked exactly as the Node worker invokes them (specs/functions-host.md §6).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appGlobal, AppLoadError, FunctionsHostError, FunctionTimeoutError, loadFunctionApp, type FunctionApp, type RpcHttpData } from '../../../src/functions-host';

const fixture = (name: string) => path.join(__dirname, '..', '..', 'fixtures', 'apps', name);
// The environment the app sees (jest gives test modules a copy of process.env).
const appEnv = appGlobal.process.env;

const get = (app: FunctionApp, name: string, url: string) => app.invoke(name, { http: { method: 'GET', url } });
const textBody = (http: unknown) => Buffer.from((http as RpcHttpData).body!.bytes!).toString('utf8');
const jsonBody = (http: unknown) => JSON.parse(textBody(http));

describe('loadFunctionApp', () => {
  test('loads an app, applies local.settings.json and host.json, and invokes an HTTP function', async () => {
    const app = await loadFunctionApp({ appDir: fixture('http-basic') });
    expect(app.hostConfig.functionTimeoutMs).toBe(1000);
    expect(app.settings.values.GREETING).toBe('Hello');
    expect(app.getFunction('HELLO')?.name).toBe('hello');
    expect(app.getFunction('hello')).toMatchObject({ triggerType: 'httpTrigger', bindings: { $return: { type: 'http', direction: 'out', name: '$return' } } });

    const { returnValue, invocationId } = await app.invoke('hello', {
      http: { method: 'GET', url: 'http://localhost/api/hello/Ada?q=1', nullableParams: { name: { value: 'Ada' } } },
    });
    expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect((returnValue as RpcHttpData).statusCode).toBe('201');
    expect(jsonBody(returnValue)).toMatchObject({ greeting: 'Hello Ada', query: '1' });
  });

  test('loads the same app again with a fresh registry and fresh library state', async () => {
    const first = await loadFunctionApp({ appDir: fixture('non-http') });
    const second = await loadFunctionApp({ appDir: fixture('non-http') });
    await second.invoke('queueWorker', { triggerValue: 'only in the second app' });
    expect(jsonBody((await get(second, 'received', 'http://localhost/api/received')).returnValue)).toEqual([
      { message: 'only in the second app', functionName: 'queueWorker', triggerMetadata: null },
    ]);
    expect(jsonBody((await get(first, 'received', 'http://localhost/api/received')).returnValue)).toEqual([]);
  });

  test('non-HTTP triggers get the decoded value, trigger metadata and return their result; durable-functions apps load unmodified', async () => {
    const app = await loadFunctionApp({ appDir: fixture('non-http') });
    expect((await app.invoke('sayHello', { triggerValue: 'Tokyo', triggerMetadata: { instanceId: 'abc' } })).returnValue).toBe('Hello Tokyo');
    expect(app.hostConfig.durableTask).toEqual({ hubName: 'FixtureHub' });
  });

  test('trigger metadata is camel-cased into the context; the return binding and extra outputs come back decoded (§7, §8)', async () => {
    const app = await loadFunctionApp({ appDir: fixture('non-http') });
    const result = await app.invoke('queueWorker', { triggerValue: { id: 42 }, triggerMetadata: { DequeueCount: 2, Id: 'm1' } });
    expect(result.returnValue).toBe('returned {"id":42}');
    const doneKey = Object.values(app.getFunction('queueWorker')!.bindings).find((binding) => binding.queueName === 'done-items')!.name;
    expect(result.outputs).toEqual({ [doneKey]: { done: { id: 42 } } });
    expect(jsonBody((await get(app, 'received', 'http://localhost/api/received')).returnValue)).toEqual([
      { message: { id: 42 }, functionName: 'queueWorker', triggerMetadata: { dequeueCount: 2, id: 'm1' } },
    ]);
  });

  test('input bindings are filled by the provider registered for their type', async () => {
    const app = await loadFunctionApp({ appDir: fixture('non-http') });
    app.provideInputBinding('greetingSource', (fn, bindingName) => ({ from: `${fn.name}.${bindingName}` }));
    const { returnValue } = await get(app, 'withProvidedInput', 'http://localhost/api/withProvidedInput');
    expect(jsonBody(returnValue)).toEqual({ greeting: { from: 'withProvidedInput.greeting' } });
  });

  test("a handler's error rejects the invocation with that error", async () => {
    const app = await loadFunctionApp({ appDir: fixture('http-basic') });
    await expect(get(app, 'fail', 'http://localhost/api/fail')).rejects.toThrow('boom from handler');
    expect(app.activeInvocations).toBe(0);
  });

  test('a handler that outlives functionTimeout rejects with FunctionTimeoutError and no longer counts as running', async () => {
    const app = await loadFunctionApp({ appDir: fixture('http-basic') });
    const invocation = get(app, 'hang', 'http://localhost/api/hang');
    await expect(invocation).rejects.toBeInstanceOf(FunctionTimeoutError);
    await expect(invocation).rejects.toThrow("Timeout value of 00:00:01 exceeded by function 'Functions.hang'");
    expect(app.activeInvocations).toBe(0);
    await app.drain();
  });

  test('an HTTP function needs the request; an unknown function is a clear error', async () => {
    const app = await loadFunctionApp({ appDir: fixture('http-basic') });
    await expect(app.invoke('hello', { triggerValue: 'x' })).rejects.toThrow(FunctionsHostError);
    await expect(app.invoke('nope', {})).rejects.toThrow("The app has no function named 'nope'");
  });

  test('terminate runs appTerminate hooks once', async () => {
    const marker = path.join(os.tmpdir(), `terminate-${process.pid}-${Date.now()}`);
    appEnv.TERMINATE_MARKER = marker;
    try {
      const app = await loadFunctionApp({ appDir: fixture('hooks') });
      await app.terminate();
      await app.terminate();
      expect(readFileSync(marker, 'utf8')).toBe('appTerminate ran');
    } finally {
      delete appEnv.TERMINATE_MARKER;
    }
  });

  test('start-up errors are typed and name the file', async () => {
    await expect(loadFunctionApp({ appDir: fixture('broken-load') })).rejects.toThrow(AppLoadError);
    await expect(loadFunctionApp({ appDir: fixture('broken-load') })).rejects.toThrow('Worker was unable to load entry point "index.js": kaboom while loading the module');
    // A failed load leaves the next one unaffected.
    expect((await loadFunctionApp({ appDir: fixture('http-basic') })).getFunction('hello')).toBeDefined();
  });

  test('an ES module app loads in-process once; a second load in the same process says why it cannot', async () => {
    const app = await loadFunctionApp({ appDir: fixture('esm-app') });
    expect(textBody((await get(app, 'esmHello', 'http://localhost/hello')).returnValue)).toBe('hello from index.js');
    await expect(loadFunctionApp({ appDir: fixture('esm-app') })).rejects.toThrow('ES module apps can be loaded once per process');
  });
});

test("appGlobal is the app's global object, where a test can share state with the app", async () => {
  expect(appGlobal).not.toBe(globalThis); // jest runs this file in its own context
  const app = await loadFunctionApp({ appDir: fixture('hooks') });
  (appGlobal as unknown as Record<string, unknown>).sharedWithApp = 'from the test';
  const { returnValue } = await app.invoke('readsGlobal', { http: { method: 'GET', url: 'http://localhost/api/readsGlobal' } });
  expect(Buffer.from((returnValue as RpcHttpData).body!.bytes!).toString()).toBe('from the test');
});

test('another copy of the host modules (jest gives each test file one) shares the process-wide loading state', async () => {
  let isolatedCopy!: typeof import('../../../src/functions-host');
  jest.isolateModules(() => {
    isolatedCopy = require('../../../src/functions-host');
  });
  expect(isolatedCopy.loadFunctionApp).not.toBe(loadFunctionApp);
  const first = await loadFunctionApp({ appDir: fixture('non-http') });
  const second = await isolatedCopy.loadFunctionApp({ appDir: fixture('non-http') });
  expect(second.functions.map((f) => f.name)).toEqual(first.functions.map((f) => f.name));
  expect((await second.invoke('sayHello', { triggerValue: 'Oslo' })).returnValue).toBe('Hello Oslo');
});
