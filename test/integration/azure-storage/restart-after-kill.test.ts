// `durable-runtime start` of the sample app on Azure Storage, killed with SIGKILL and started again on the same machine
// (docs/azure-storage.md "Crash recovery"). The new process finds every partition leased to its dead predecessor
// (specs/backends.md A13.1); the owner id names this machine and a pid that runs nothing any more, so it claims them
// at once instead of waiting out the leases (30 s). Two live processes on this machine still share the partitions
// by hand-over, as before. One Azurite for the file; each host is a child process with the default lease timings.

import { TableClient } from '@azure/data-tables';
import { REPO_ROOT, startCli, type CliProcess } from '../../support/cli-process';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { waitFor } from '../../support/wait-for';

interface LeaseRow {
  rowKey: string;
  CurrentOwner?: string;
  OwnedSince?: Date;
  ExpiresAt?: Date;
}

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startTestAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const hosts: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop('SIGTERM', 60_000)));
});

/** The sample app on the hub; resolves with its worker id (printed when its backend has started). */
async function startHost(hubName: string): Promise<{ host: CliProcess; workerId: string }> {
  const host = await startCli({
    args: ['start', '--cwd', REPO_ROOT, '--backend', 'AzureStorage'],
    env: { AzureWebJobsStorage: azurite.connectionString, TASKHUB_NAME: hubName },
    readyTimeoutMs: 60_000,
  });
  hosts.push(host);
  const printed = await host.waitForOutput(/worker (\S+) started with \d+ partitions/, 60_000);
  return { host, workerId: /worker (\S+) started with \d+ partitions/.exec(printed)![1] };
}

async function kill(host: CliProcess): Promise<void> {
  host.child.kill('SIGKILL');
  expect(await host.exited).toEqual({ code: null, signal: 'SIGKILL' });
}

async function leases(hubName: string): Promise<LeaseRow[]> {
  const table = TableClient.fromConnectionString(azurite.connectionString, `${hubName}Partitions`, { allowInsecureConnection: true });
  const rows: LeaseRow[] = [];
  for await (const row of table.listEntities<LeaseRow>()) rows.push(row);
  return rows.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
}

function ownedBy(hubName: string, owner: string, what: string): Promise<LeaseRow[]> {
  return waitFor(what, async () => {
    const rows = await leases(hubName);
    return rows.length > 0 && rows.every((row) => row.CurrentOwner === owner) ? rows : undefined;
  }, 120_000, 100);
}

test('a process killed with SIGKILL and started again takes its dead predecessor’s partitions before their leases expire, and runs a new orchestration', async () => {
  const hubName = uniqueHubName('restart');
  const { host: first, workerId: deadId } = await startHost(hubName);
  expect(deadId).toContain(`-${first.child.pid}-`);
  await ownedBy(hubName, deadId, 'the first process to own every partition');
  await kill(first);
  const killedAt = Date.now();
  // What the dead process left behind: leases that would stand until ExpiresAt.
  const left = await leases(hubName);
  expect(left.map((row) => row.CurrentOwner)).toEqual(left.map(() => deadId));

  const { host: second, workerId: newId } = await startHost(hubName);
  const taken = await ownedBy(hubName, newId, 'the restarted process to own every partition');
  // A claim writes OwnedSince = the moment it took the row (A13.1); the dead owner's lease was still running then.
  const claims = taken.map((row) => {
    const expiresAt = left.find((before) => before.rowKey === row.rowKey)!.ExpiresAt!;
    return { partition: row.rowKey, claimedAt: row.OwnedSince!.toISOString(), deadLeaseExpiresAt: expiresAt.toISOString(), beforeExpiry: row.OwnedSince! < expiresAt };
  });
  const lastClaim = Math.max(...taken.map((row) => row.OwnedSince!.getTime()));
  const firstExpiry = Math.min(...left.map((row) => row.ExpiresAt!.getTime()));
  console.log(
    `restart after kill -9: the new process owned every partition ${seconds(lastClaim - killedAt)} s after the kill ` +
      `while the dead process's leases ran until ${seconds(firstExpiry - killedAt)} s after it.`,
  );
  expect(claims.filter((claim) => !claim.beforeExpiry)).toEqual([]);
  for (const row of taken) {
    expect(second.output()).toContain(`acquired ${row.rowKey} from ${deadId}, which is dead: no process ${first.child.pid} runs on this machine.`);
  }

  const started = await fetch(`${second.baseUrl}/api/StartChaining`, { method: 'POST' });
  expect(started.status).toBe(202);
  const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
  const status = await waitFor('the orchestration started after the restart to complete', async () => {
    const body = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
    return body.runtimeStatus === 'Completed' ? body : undefined;
  }, 60_000, 100, () => second.output());
  expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
}, 300_000);

test('two live processes on this machine split the partitions by hand-over; neither takes the other’s as dead', async () => {
  const hubName = uniqueHubName('split');
  const { host: a, workerId: aId } = await startHost(hubName);
  await ownedBy(hubName, aId, 'the first process to own every partition');
  const { host: b, workerId: bId } = await startHost(hubName);
  const split = await waitFor('an even split', async () => {
    const owners = (await leases(hubName)).map((row) => row.CurrentOwner);
    const count = (id: string) => owners.filter((owner) => owner === id).length;
    return count(aId) === 2 && count(bId) === 2 ? owners : undefined;
  }, 120_000, 100);
  expect(split).toHaveLength(4);
  expect(b.output()).toContain(`asked ${aId} to hand over`);
  expect(a.output()).not.toContain('which is dead');
  expect(b.output()).not.toContain('which is dead');
}, 300_000);

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
