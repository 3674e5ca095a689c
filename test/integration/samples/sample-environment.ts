// The environment the sample app's own tests run in: createTestEnvironment (in-process, memory backend, time
// skipping) — or, with SAMPLES_TARGET=process, the same surface over a real `durable-runtime start` child on the memory
// backend, so bench/sample-tests.bench.js can time the very same test file both ways.
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { appGlobal, createTestEnvironment, type TestEnvironment } from '../../../src/testing';
import { SampleApp } from '../../e2e/samples/sample-app';

export const REPO_ROOT = path.resolve(__dirname, '../../..'); // package.json main: dist/functions/*.js (npm test builds first)

/** What the sample tests use of a TestEnvironment. */
export interface SampleEnvironment extends Pick<TestEnvironment, 'fetch' | 'mockActivity'> {
  readonly client: Pick<TestEnvironment['client'], 'waitForCompletion' | 'waitForStatus'>;
  /** Where the data-sync pipeline keeps its files. */
  readonly dataDir: string;
  /** Seconds standing for a long wait: a real day when time is skipped, a second when it is not (a process). */
  readonly day: number;
  /** The test clock (epoch ms) when time is skipped; undefined through a process. */
  now(): number | undefined;
}

const THROUGH_PROCESS = process.env.SAMPLES_TARGET === 'process';

/** One environment for the calling test file: started before its tests, closed after them. */
export function useSampleEnvironment(): () => SampleEnvironment {
  let environment: (SampleEnvironment & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    environment = THROUGH_PROCESS ? await processEnvironment() : await inProcessEnvironment();
  });
  afterAll(async () => {
    await environment?.close();
  });
  return () => {
    if (!environment) throw new Error('The sample environment did not start; see the beforeAll error.');
    return environment;
  };
}

async function inProcessEnvironment(): Promise<SampleEnvironment & { close(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'samples-in-process-'));
  // The app reads its settings from its own process.env (under jest not the test file's).
  appGlobal.process.env.SAMPLES_DATA_DIR = dataDir;
  const env = await createTestEnvironment({ appDir: REPO_ROOT });
  return {
    fetch: env.fetch,
    client: env.client,
    mockActivity: env.mockActivity,
    dataDir,
    day: 24 * 60 * 60,
    now: () => env.clock.now(),
    async close() {
      await env.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The activities that call the app's own HTTP functions: over the network in a process, so they need no stand-in. */
const SELF_CALLING_ACTIVITIES = new Set(['FetchDataAPI', 'PostUpdateWebhook']);

async function processEnvironment(): Promise<SampleEnvironment & { close(): Promise<void> }> {
  const app = await SampleApp.start('memory');
  return {
    fetch: (input, init) => fetch(typeof input === 'string' && input.startsWith('/') ? `${app.baseUrl}${input}` : input, init),
    client: {
      waitForCompletion: async (instanceId) => (await app.waitForCompletion(app.statusUrl(instanceId))) as any,
      waitForStatus: async (instanceId, accept) => (await app.waitForStatus(app.statusUrl(instanceId), 'the awaited status', (s) => accept(s as any))) as any,
    },
    mockActivity(name) {
      if (!SELF_CALLING_ACTIVITIES.has(name)) throw new Error(`A process runs the app's own '${name}'; mocks work in-process only.`);
      return () => undefined;
    },
    dataDir: app.dataDir,
    day: 1,
    now: () => undefined,
    close: () => app.stop(),
  };
}
