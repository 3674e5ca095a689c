// Recovery through `durable-runtime emulator --backend AzureStorage` (issue 14 "Done when"): a worker killed mid-run
// loses its work items to the next worker at once, and an emulator killed mid-run and started again completes
// every orchestration while the SDK worker reconnects by itself.

import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrchestrationStatus } from '@microsoft/durabletask-js';
import { startTestAzurite, type TestAzurite } from '../../support/azurite';
import { sdkClient, startEmulator, type EmulatorProcess } from '../../support/emulator-process';
import { waitFor } from '../../support/wait-for';

jest.setTimeout(240_000);

const HUB = 'recovery';
const ORCHESTRATIONS = 10;
let azurite: TestAzurite;
let emulator: EmulatorProcess;
let dir: string;
const workers: ChildProcess[] = [];

function emulatorEnv(): Record<string, string> {
  return {
    AzureWebJobsStorage: azurite.connectionString,
    // Messages a killed emulator had taken come back after this, instead of the default 5 minutes.
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__controlQueueVisibilityTimeout: '00:00:05',
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout: '00:00:05',
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval: '00:00:00.500',
  };
}

function startWorker(log: string): Promise<ChildProcess> {
  const child = fork(join(__dirname, '../../support/sdk-worker-process.ts'), [emulator.address, HUB, log], {
    execArgv: ['-r', join(__dirname, '../../support/register-typescript.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  workers.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`The worker exited with code ${code} before it started.`)));
  });
}

function activityRuns(log: string): string[] {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-recovery-'));
  azurite = await startTestAzurite();
  emulator = await startEmulator({ args: ['--backend', 'AzureStorage'], env: emulatorEnv() });
});

afterAll(async () => {
  await Promise.all(workers.map(kill));
  await emulator?.stop('SIGINT');
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function expectAllCompleted(ids: string[]): Promise<void> {
  const client = sdkClient(emulator.address, HUB);
  try {
    const states = await Promise.all(ids.map((id) => client.waitForOrchestrationCompletion(id, true, 180)));
    for (const state of states) {
      expect(state?.runtimeStatus).toBe(OrchestrationStatus.COMPLETED);
      expect(JSON.parse(state!.serializedOutput!)).toEqual([1, 2, 3, 4, 5]);
    }
  } finally {
    await client.stop();
  }
}

async function startSteps(prefix: string): Promise<string[]> {
  const client = sdkClient(emulator.address, HUB);
  try {
    return await Promise.all(Array.from({ length: ORCHESTRATIONS }, (_, i) => client.scheduleNewOrchestration('steps', undefined, `${prefix}-${i}`)));
  } finally {
    await client.stop();
  }
}

it('completes every orchestration when a worker is killed mid-run and another takes over', async () => {
  const log = join(dir, 'kill-worker.log');
  const first = await startWorker(log);
  const ids = await startSteps('kw');
  await waitFor('a third of the activities to run', () => activityRuns(log).length >= (ORCHESTRATIONS * 5) / 3);
  await kill(first);
  const second = await startWorker(log);
  await expectAllCompleted(ids);
  await kill(second);
});

it('completes every orchestration when the emulator is killed mid-run and started again; the worker reconnects by itself', async () => {
  const log = join(dir, 'kill-emulator.log');
  await startWorker(log);
  const ids = await startSteps('ke');
  await waitFor('a third of the activities to run', () => activityRuns(log).length >= (ORCHESTRATIONS * 5) / 3);
  const port = emulator.port;
  emulator.child.kill('SIGKILL');
  await emulator.exited;
  emulator = await startEmulator({ args: ['--backend', 'AzureStorage'], env: emulatorEnv(), port });
  await expectAllCompleted(ids);
});
