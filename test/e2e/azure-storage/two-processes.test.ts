/**
 * Two `durable-runtime start` processes of the sample app on one Azure Storage task hub (issue 6: several workers on
 * one task hub): both take work, one is killed with SIGKILL in the middle, and the other finishes every
 * orchestration. Issue 12 (crash recovery in seconds): the activities the dead worker had received — it is busy
 * counting primes when it dies — must not stay hidden for DT.AS's 5-minute visibility timeout; every unfinished
 * orchestration moves on within 60 s of the survivor taking over the dead worker's queues. The test prints the
 * recovery time and how many activities ran to success more than once (at-least-once: allowed, counted). A process
 * stopped with SIGTERM hands its partitions back before it exits. Both run with the default timeouts.
 */
import { TableClient } from '@azure/data-tables';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { waitFor } from '../../support/wait-for';
import { SampleApp, type InstanceStatus } from '../samples/sample-app';

const ORCHESTRATIONS = 8;
/** About a second of CPU per orchestration, so the doomed worker holds activities in work when it is killed. */
const INPUT = { upTo: 2_000_000, chunks: 4, pauseSeconds: 1 };
const PRIMES_UP_TO_2_000_000 = 148_933;
/** The bound on crash recovery, counted from the moment another worker owns the dead worker's queues. */
const RECOVERY_BOUND_MS = 60_000;

let azurite: TestAzurite;
const apps: SampleApp[] = [];

beforeAll(async () => {
    azurite = await startTestAzurite();
});
afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await azurite?.stop();
});

async function startApp(hubName: string): Promise<SampleApp> {
    // Both run on this machine: the survivor takes a killed worker's partitions at its next lease pass (10 s), without
    // waiting for the 30 s leases to expire (worker-id.ts); the bound leaves room for a busy machine.
    const app = await SampleApp.start('AzureStorage', { storage: { azurite, hubName }, waitMs: 150_000 });
    apps.push(app);
    return app;
}

function workerIdOf(app: SampleApp): string {
    const id = /worker (\S+) started with/.exec(app.printed())?.[1];
    if (!id) throw new Error(`The app did not print its worker id:\n${app.logs()}`);
    return id;
}

/** Successful runs of an activity in an app's log. */
function activityRuns(app: SampleApp, name: string): number {
    return app.printed().split(`Executed 'Functions.${name}' (Succeeded`).length - 1;
}

/** Runs of an activity an app's log says it started. */
function activityStarts(app: SampleApp, name: string): number {
    return app.printed().split(`Executing 'Functions.${name}'`).length - 1;
}

test('when one of two processes is killed, the other resumes its work within 60 s of taking over and completes it', async () => {
    const hubName = uniqueHubName('twoproc');
    const doomed = await startApp(hubName);
    const survivor = await startApp(hubName);
    const survivorId = workerIdOf(survivor);

    const ids: string[] = [];
    for (let i = 0; i < ORCHESTRATIONS; i++) ids.push((await doomed.start('/api/orchestrators/CountPrimes', INPUT)).id);

    // Kill it while the orchestrations are under way, once at least one has finished a chunk, and while it is running
    // an activity (it printed Executing but not yet Executed; stdout to a pipe is synchronous, so the line is out).
    await survivor.waitUntil('a chunk of some orchestration to be done', async () => {
        const statuses = await Promise.all(ids.map((id) => survivor.status(survivor.statusUrl(id))));
        return statuses.some((s) => s.customStatus?.chunksDone >= 1) ? true : undefined;
    });
    await survivor.waitUntil('the doomed worker to be running an activity', async () =>
        activityStarts(doomed, 'CountPrimesInRange') > activityRuns(doomed, 'CountPrimesInRange') ? true : undefined,
    );
    const killedAt = Date.now();
    await doomed.kill();

    await survivor.waitUntil('the survivor to own every partition', async () =>
        (await partitionOwners(hubName)).every((owner) => owner === survivorId) ? true : undefined,
    );
    const tookOverAt = Date.now();
    const statuses = () => Promise.all(ids.map((id) => survivor.status(survivor.statusUrl(id))));
    // Moved on: completed, or updated since the take-over. An orchestration whose activity the dead worker had
    // received cannot move before that message is visible again.
    let stalled: InstanceStatus[] = [];
    await waitFor(
        `every unfinished orchestration to move on within ${RECOVERY_BOUND_MS / 1000} s of the take-over`,
        async () => {
            stalled = (await statuses()).filter((s) => s.runtimeStatus !== 'Completed' && Date.parse(s.lastUpdatedTime) <= tookOverAt);
            return stalled.length === 0;
        },
        RECOVERY_BOUND_MS,
        250,
        () => `${stalled.length} have not, e.g. ${JSON.stringify(stalled.slice(0, 2))}\n--- survivor output ---\n${survivor.logs()}`,
    );
    const recoveredAt = Date.now();
    const finished = await survivor.waitUntil('every orchestration to complete', async () => {
        const all = await statuses();
        return all.every((s) => s.runtimeStatus === 'Completed') ? all : undefined;
    });
    for (const status of finished) {
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { upTo: INPUT.upTo, chunks: INPUT.chunks, primes: PRIMES_UP_TO_2_000_000 } });
    }
    const doomedRuns = activityRuns(doomed, 'CountPrimesInRange');
    const runs = doomedRuns + activityRuns(survivor, 'CountPrimesInRange');
    const activities = ORCHESTRATIONS * INPUT.chunks;
    console.log(
        `kill -9 of one of two workers: every unfinished orchestration moved on ${seconds(recoveredAt - tookOverAt)} s after the ` +
            `survivor took over (${seconds(tookOverAt - killedAt)} s after the kill: its next lease pass found the killed process dead), all ${ORCHESTRATIONS} completed; ` +
            `${runs} successful activity runs (${doomedRuns} by the killed worker) for ${activities} activities: ${runs - activities} duplicates.`,
    );
    expect(runs).toBeGreaterThanOrEqual(activities);
}, 240_000);

function seconds(ms: number): string {
    return (ms / 1000).toFixed(1);
}

/** CurrentOwner of each partition row of the hub's {Hub}Partitions table (specs/backends.md A13). */
async function partitionOwners(hubName: string): Promise<(string | undefined)[]> {
    const table = TableClient.fromConnectionString(azurite.connectionString, `${hubName}Partitions`, { allowInsecureConnection: true });
    const owners: (string | undefined)[] = [];
    for await (const row of table.listEntities<{ CurrentOwner?: string }>()) owners.push(row.CurrentOwner || undefined);
    return owners;
}

test('a process stopped with SIGTERM releases its partitions before it exits', async () => {
    const hubName = uniqueHubName('handover');
    const leaving = await startApp(hubName);
    const leavingId = workerIdOf(leaving);
    const staying = await startApp(hubName);
    await staying.waitUntil('both processes to own partitions', async () => {
        const owners = await partitionOwners(hubName);
        return owners.includes(leavingId) && owners.some((owner) => owner && owner !== leavingId) ? true : undefined;
    });
    await leaving.stop();
    // Without the release the rows would name the stopped worker until the other's next lease pass finds it gone.
    expect(await partitionOwners(hubName)).not.toContain(leavingId);
}, 240_000);
