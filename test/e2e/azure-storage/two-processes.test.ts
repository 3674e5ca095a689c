/**
 * Two `durable-runtime start` processes of the sample app on one Azure Storage task hub (issue 6: several workers on
 * one task hub): both take work, one is killed with SIGKILL in the middle, and the other finishes every
 * orchestration within 60 s of taking over the dead one's partitions (issue 12: crash recovery in seconds; the
 * messages the dead worker had received must not stay hidden for DT.AS's 5-minute visibility timeout). It prints
 * the recovery time and how many activities ran to success more than once (at-least-once: allowed, counted). A
 * process stopped with SIGTERM hands its partitions back before it exits. Both run with the default timeouts.
 */
import { TableClient } from '@azure/data-tables';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { waitFor } from '../../support/wait-for';
import { SampleApp } from '../samples/sample-app';

const ORCHESTRATIONS = 16;
const INPUT = { upTo: 20_000, chunks: 4, pauseSeconds: 1 };
const PRIMES_UP_TO_20000 = 2262;
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
    // Taking over a dead worker's partitions waits for its 30 s leases to expire.
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

test('when one of two processes is killed, the other completes every orchestration within 60 s of taking over', async () => {
    const hubName = uniqueHubName('twoproc');
    const doomed = await startApp(hubName);
    const survivor = await startApp(hubName);
    const survivorId = workerIdOf(survivor);

    const ids: string[] = [];
    for (let i = 0; i < ORCHESTRATIONS; i++) ids.push((await doomed.start('/api/orchestrators/CountPrimes', INPUT)).id);

    // Kill it while the orchestrations are under way, once at least one has finished a chunk.
    await survivor.waitUntil('a chunk of some orchestration to be done', async () => {
        const statuses = await Promise.all(ids.map((id) => survivor.status(survivor.statusUrl(id))));
        return statuses.some((s) => s.customStatus?.chunksDone >= 1) ? true : undefined;
    });
    const killedAt = Date.now();
    await doomed.kill();

    await survivor.waitUntil('the survivor to own every partition', async () =>
        (await partitionOwners(hubName)).every((owner) => owner === survivorId) ? true : undefined,
    );
    const tookOverAt = Date.now();
    let unfinished: string[] = [];
    const finished = await waitFor(
        `every orchestration to complete within ${RECOVERY_BOUND_MS / 1000} s of the take-over`,
        async () => {
            const statuses = await Promise.all(ids.map((id) => survivor.status(survivor.statusUrl(id))));
            unfinished = statuses.filter((s) => s.runtimeStatus !== 'Completed').map((s) => `${s.instanceId} ${s.runtimeStatus} ${JSON.stringify(s.customStatus)}`);
            return unfinished.length === 0 ? statuses : undefined;
        },
        RECOVERY_BOUND_MS,
        250,
        () => `${unfinished.length} unfinished, e.g. ${unfinished.slice(0, 3).join('; ')}\n--- survivor output ---\n${survivor.logs()}`,
    );
    const recoveredAt = Date.now();
    for (const status of finished) {
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { upTo: INPUT.upTo, chunks: INPUT.chunks, primes: PRIMES_UP_TO_20000 } });
    }
    const runs = activityRuns(doomed, 'CountPrimesInRange') + activityRuns(survivor, 'CountPrimesInRange');
    const activities = ORCHESTRATIONS * INPUT.chunks;
    console.log(
        `kill -9 of one of two workers: all ${ORCHESTRATIONS} orchestrations completed ${seconds(recoveredAt - tookOverAt)} s after the ` +
            `survivor took over (${seconds(tookOverAt - killedAt)} s after the kill, waiting for the 30 s leases); ` +
            `${runs} successful activity runs for ${activities} activities: ${runs - activities} duplicates.`,
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
    // Without the release the rows would name the stopped worker until its 30 s leases expire.
    expect(await partitionOwners(hubName)).not.toContain(leavingId);
}, 240_000);
