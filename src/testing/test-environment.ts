// createTestEnvironment: the app in-process on the memory backend, for users' own jest tests.
//
//   const env = await createTestEnvironment({ appDir: __dirname + '/..', timeSkipping: true });
//   const id = await env.client.startNew('HelloCities');
//   expect((await env.client.waitForCompletion(id)).output).toEqual([...]);
//   await env.close();

import { ManualClock, silentLogger, type Logger } from '../core';
import { MemoryBackend } from '../backends/memory';
import { LocalTaskHub } from '../taskhub/local';
import { loadFunctionApp, type FunctionApp } from '../functions-host';
import { DurableWorker } from '../worker';
import { parseDurableTaskOptions } from '../durable-extension';
import { TestClient } from './test-client';
import { TimeSkipper } from './time-skipper';

export interface TestEnvironmentOptions {
  /** The Functions app folder (with package.json whose `main` points at the built entry files). */
  appDir: string;
  /** Jump the clock over durable timers whenever nothing else can run (default true). */
  timeSkipping?: boolean;
  /** Where the clock starts (default: the real current time). */
  startTime?: Date;
  logger?: Logger;
}

export interface TestEnvironment {
  readonly client: TestClient;
  /** The environment's clock; `advance` it yourself when time skipping is off. */
  readonly clock: ManualClock;
  readonly app: FunctionApp;
  close(): Promise<void>;
}

export async function createTestEnvironment(options: TestEnvironmentOptions): Promise<TestEnvironment> {
  const logger = options.logger ?? silentLogger;
  const clock = new ManualClock(options.startTime ?? new Date());
  const app = await loadFunctionApp({ appDir: options.appDir, logger });
  const backend = new MemoryBackend({ clock });
  const taskHub = new LocalTaskHub({ backend, clock, logger, name: 'TestHub' });
  await taskHub.start();
  const durableTask = parseDurableTaskOptions(app.hostConfig.durableTask, app.hostConfig.source);
  const worker = new DurableWorker({ taskHub, app, concurrency: durableTask.concurrency, logger });
  worker.start();

  const skipper = new TimeSkipper(clock, {
    isIdle: () => worker.activeCount === 0 && backend.isIdle(),
    nextVisibleAt: () => backend.nextVisibleAt(),
  });
  const timeSkipping = options.timeSkipping ?? true;
  const client = new TestClient(taskHub, (work) => (timeSkipping ? skipper.during(work) : work));

  return {
    client,
    clock,
    app,
    async close() {
      await worker.stop();
      await taskHub.stop();
      await app.terminate();
    },
  };
}
