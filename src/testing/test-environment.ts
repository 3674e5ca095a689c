// createTestEnvironment: the app in-process on the memory backend with time skipping, through the same durable
// extension `durable-runtime start` runs (src/durable-extension), for users' own jest tests.
//
//   const env = await createTestEnvironment({ appDir: path.join(__dirname, '..') });
//   const started = await env.fetch('/api/orchestrators/HelloCities', { method: 'POST' });   // the app's HTTP starter
//   const { id } = await started.json();
//   expect((await env.client.waitForCompletion(id)).output).toEqual([...]);
//   await env.close();

import { ManualClock, silentLogger, type Logger } from '../core';
import { MemoryBackend } from '../backends/memory';
import { LocalTaskHub } from '../taskhub/local';
import { FunctionsHost, loadFunctionApp, type FunctionApp } from '../functions-host';
import { recordStorageOutputs, type RecordedOutput } from '../bindings';
import { createDurableExtension, DEFAULT_PORT, type StorageProvider } from '../durable-extension';
import { FunctionMocks, type ActivityMock, type EntityMock } from './function-mocks';
import { createTestDurableClient, type TestDurableClient, type WhileWaiting } from './test-durable-client';
import { TimeSkipper } from './time-skipper';

export interface TestEnvironmentOptions {
  /** The Functions app folder (with package.json whose `main` points at the built entry files). */
  appDir: string;
  /** Jump the clock over durable timers while the test waits and nothing else can run (default true). */
  timeSkipping?: boolean;
  /** Where the clock starts (default: the real current time). */
  startTime?: Date;
  logger?: Logger;
}

export interface TestEnvironment {
  /**
   * Sends a request through the app's own HTTP functions and the Durable HTTP API, routed as by the host, in-process
   * (no port). Takes a path ('/api/orchestrators/Hello') or any URL the app handed out (status and management URLs).
   * Time does not skip during a fetch: wait with `env.client` for that.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The durable client the app's `durableClient` binding gets, plus waits and history for tests. */
  readonly client: TestDurableClient;
  /** Runs `handler` instead of the app's activity `name` until the returned function or `resetMocks()` restores it. */
  mockActivity(name: string, handler: ActivityMock): () => void;
  /** Runs `handler` (an entity handler, as df.app.entity takes) instead of the app's entity `name`. */
  mockEntity(name: string, handler: EntityMock): () => void;
  /** Restores every activity and entity mocked so far. */
  resetMocks(): void;
  /** The environment's clock; `advance` it yourself when time skipping is off. */
  readonly clock: ManualClock;
  readonly app: FunctionApp;
  /** Values set on blob, queue and table outputs, in order, with their resolved targets: recorded, not written. */
  readonly outputs: readonly RecordedOutput[];
  /** Stops the app and puts back the environment variables its load set from local.settings.json (and WEBSITE_HOSTNAME, …). */
  close(): Promise<void>;
}

export async function createTestEnvironment(options: TestEnvironmentOptions): Promise<TestEnvironment> {
  const logger = options.logger ?? silentLogger;
  const clock = new ManualClock(options.startTime ?? new Date());
  const portOf = (settings: FunctionApp['settings']) => settings.host.localHttpPort ?? DEFAULT_PORT;
  const app = await loadFunctionApp({ appDir: options.appDir, logger, port: portOf });
  const backend = new MemoryBackend({ clock });
  const memoryOnTestClock: StorageProvider = async ({ hubName }) => ({
    taskHub: new LocalTaskHub({ backend, clock, logger, name: hubName }),
    connectionName: 'Storage',
    label: 'memory',
    description: `memory on the test clock (task hub '${hubName}')`,
    close: async () => undefined,
  });
  const outputs = recordStorageOutputs(app);
  const mocks = new FunctionMocks(app);
  const extension = createDurableExtension({ app, storage: memoryOnTestClock, functions: mocks, clock, logger });
  // The links the host hands out carry the port `func start` would use, as the app's durable client expects.
  const host = new FunctionsHost({ app, port: portOf(app.settings), listen: false, extensions: [extension], logger });
  try {
    await host.start();
  } catch (error) {
    await host.stop().catch(() => undefined);
    app.restoreEnvironment();
    throw error;
  }

  const durable = extension.running;
  const skipper = new TimeSkipper(clock, {
    isIdle: () => (durable?.worker.activeCount ?? 0) === 0 && backend.isIdle(),
    nextVisibleAt: () => backend.nextVisibleAt(),
  });
  const whileWaiting: WhileWaiting = (work, stillWaiting) => (options.timeSkipping === false ? work : skipper.during(work, stillWaiting));
  const client = durable && createTestDurableClient({
      app,
      payload: () => durable.api.clientPayload(),
      taskHub: durable.taskHub,
      whileWaiting,
      answerRpc: (request) => durable.api.answerRpc(request),
    });
  const restoring = (name: string, set: () => void) => {
    set();
    return () => mocks.restore(name);
  };

  return {
    fetch: (input, init) => host.fetch(input, init),
    get client(): TestDurableClient {
      if (!client) throw new Error(`The app in ${app.appDir} registers no orchestrator, activity, entity or durable client function, so it has no durable client.`);
      return client;
    },
    mockActivity: (name, handler) => restoring(name, () => mocks.mockActivity(name, handler)),
    mockEntity: (name, handler) => restoring(name, () => mocks.mockEntity(name, handler)),
    resetMocks: () => mocks.reset(),
    clock,
    app,
    outputs,
    close: async () => {
      try {
        await host.stop();
      } finally {
        app.restoreEnvironment();
      }
    },
  };
}
