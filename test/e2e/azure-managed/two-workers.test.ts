/**
 * Two `durable-runtime start` processes of the sample app on one task hub of a `durable-runtime emulator` kept on
 * Azure Storage (issue 15 "Done when"): one is killed with SIGKILL mid-run and the other finishes every
 * orchestration (the Scheduler hands a dropped stream's work items to the next worker); then the emulator itself
 * is restarted mid-run, and the workers reconnect by themselves and finish.
 */
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { freePort } from '../../support/cli-process';
import { startEmulator, type EmulatorProcess } from '../../support/emulator-process';
import { SampleApp } from '../samples/sample-app';
import { waitFor } from '../../support/wait-for';

const ORCHESTRATIONS = 12;
const INPUT = { upTo: 20_000, chunks: 4, pauseSeconds: 1 };
const PRIMES_UP_TO_20000 = 2262;

let azurite: TestAzurite;
let emulator: EmulatorProcess;
let emulatorPort: number;
const apps: SampleApp[] = [];

const startEmulatorOnAzurite = () => startEmulator({ args: ['--backend', 'AzureStorage'], port: emulatorPort, env: { AzureWebJobsStorage: azurite.connectionString } });

beforeAll(async () => {
    azurite = await startTestAzurite();
    emulatorPort = await freePort();
    emulator = await startEmulatorOnAzurite();
});
afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await emulator?.stop();
    await azurite?.stop();
});

async function startApp(hubName: string): Promise<SampleApp> {
    const app = await SampleApp.start('azureManaged', { scheduler: { emulator, hubName }, waitMs: 120_000 });
    apps.push(app);
    return app;
}

async function startAll(app: SampleApp): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < ORCHESTRATIONS; i++) ids.push((await app.start('/api/orchestrators/CountPrimes', INPUT)).id);
    return ids;
}

async function expectAllCompleted(app: SampleApp, ids: string[]): Promise<void> {
    const finished = await Promise.all(ids.map((id) => app.waitForCompletion(app.statusUrl(id))));
    for (const status of finished) {
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { upTo: INPUT.upTo, chunks: INPUT.chunks, primes: PRIMES_UP_TO_20000 } });
    }
}

function someChunkDone(app: SampleApp, ids: string[]): Promise<true> {
    return app.waitUntil('a chunk of some orchestration to be done', async () => {
        const statuses = await Promise.all(ids.map((id) => app.status(app.statusUrl(id))));
        return statuses.some((s) => s.customStatus?.chunksDone >= 1) ? true : undefined;
    });
}

test('when one of two processes is killed, the other completes every orchestration; both reconnect after an emulator restart', async () => {
    const hubName = uniqueHubName('twoworkers');
    const doomed = await startApp(hubName);
    const survivor = await startApp(hubName);

    const first = await startAll(doomed);
    await someChunkDone(survivor, first);
    await doomed.kill();
    await expectAllCompleted(survivor, first);

    const newcomer = await startApp(hubName);
    const second = await startAll(newcomer);
    await someChunkDone(survivor, second);
    const unfinished = (await Promise.all(second.map((id) => survivor.status(survivor.statusUrl(id))))).filter((s) => s.runtimeStatus !== 'Completed');
    expect(unfinished.length).toBeGreaterThan(0);
    await emulator.stop();
    emulator = await startEmulatorOnAzurite();
    await expectAllCompleted(survivor, second);
    // The survivor may finish the work before the other's jittered back-off (up to 30 s) brings it back: wait for both.
    for (const app of [survivor, newcomer]) {
        await waitFor('the worker to reconnect', () => app.printed().includes('Reconnected to the Scheduler'), 90_000);
    }
}, 300_000);
