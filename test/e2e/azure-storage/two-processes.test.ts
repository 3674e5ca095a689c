/**
 * Two `durable-runtime start` processes of the sample app on one Azure Storage task hub (issue 6: several workers on
 * one task hub): both take work, one is killed with SIGKILL in the middle, and the other finishes every
 * orchestration after the dead one's partition leases expire; a process stopped with SIGTERM hands its partitions
 * back before it exits. The message visibility timeouts are shortened through the host's own app-setting override
 * of host.json, the mechanism documented for Azure.
 */
import { TableClient } from '@azure/data-tables';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { SampleApp } from '../samples/sample-app';

const ORCHESTRATIONS = 16;
const INPUT = { upTo: 20_000, chunks: 4, pauseSeconds: 1 };
const PRIMES_UP_TO_20000 = 2262;
const OVERRIDE = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__';

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
    const app = await SampleApp.start('AzureStorage', {
        storage: { azurite, hubName },
        env: { [`${OVERRIDE}workItemQueueVisibilityTimeout`]: '00:00:05', [`${OVERRIDE}controlQueueVisibilityTimeout`]: '00:00:05' },
        // Taking over a dead worker's partitions waits for its 30 s leases to expire.
        waitMs: 150_000,
    });
    apps.push(app);
    return app;
}

test('when one of two processes is killed, the other completes every orchestration', async () => {
    const hubName = uniqueHubName('twoproc');
    const doomed = await startApp(hubName);
    const survivor = await startApp(hubName);

    const ids: string[] = [];
    for (let i = 0; i < ORCHESTRATIONS; i++) ids.push((await doomed.start('/api/orchestrators/CountPrimes', INPUT)).id);

    // Kill it while the orchestrations are under way, once at least one has finished a chunk.
    await survivor.waitUntil('a chunk of some orchestration to be done', async () => {
        const statuses = await Promise.all(ids.map((id) => survivor.status(survivor.statusUrl(id))));
        return statuses.some((s) => s.customStatus?.chunksDone >= 1) ? true : undefined;
    });
    await doomed.kill();

    const finished = await Promise.all(ids.map((id) => survivor.waitForCompletion(survivor.statusUrl(id))));
    for (const status of finished) {
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { upTo: INPUT.upTo, chunks: INPUT.chunks, primes: PRIMES_UP_TO_20000 } });
    }
}, 240_000);

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
    const leavingId = /worker (\S+) started with/.exec(leaving.printed())?.[1];
    expect(leavingId).toBeDefined();
    const staying = await startApp(hubName);
    await staying.waitUntil('both processes to own partitions', async () => {
        const owners = await partitionOwners(hubName);
        return owners.includes(leavingId) && owners.some((owner) => owner && owner !== leavingId) ? true : undefined;
    });
    await leaving.stop();
    // Without the release the rows would name the stopped worker until its 30 s leases expire.
    expect(await partitionOwners(hubName)).not.toContain(leavingId);
}, 240_000);
