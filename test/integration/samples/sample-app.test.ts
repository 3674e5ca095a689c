// The sample app (functions/) tested the way a user tests their own app with createTestEnvironment: every sample is
// started through its real HTTP starter with env.fetch, followed through the status and management URLs it hands
// out, and waited for with env.client, whose time skipping finishes day-long timers in milliseconds.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from '../../support/wait-for';
import { useSampleEnvironment } from './sample-environment';

const env = useSampleEnvironment();
const GREETINGS = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
}

function post(pathOrUrl: string, body?: unknown): Promise<Response> {
  return env().fetch(pathOrUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** POSTs to an HTTP starter and checks createCheckStatusResponse's contract: 202, Location = statusQueryGetUri. */
async function start(pathOrUrl: string, body?: unknown): Promise<CheckStatus> {
  const response = await post(pathOrUrl, body);
  const payload = (await response.json()) as CheckStatus;
  expect(response.status).toBe(202);
  expect(response.headers.get('location')).toBe(payload.statusQueryGetUri);
  return payload;
}

/** Follows a status URL the app handed out, as a client of the app would. */
async function follow(statusUrl: string): Promise<any> {
  const response = await env().fetch(statusUrl);
  expect([200, 202]).toContain(response.status);
  return response.json() as Promise<any>;
}

/** Waits (skipping timers) for the instance to finish, then reads its status through the status URL. */
async function finished(started: CheckStatus): Promise<any> {
  await env().client.waitForCompletion(started.id);
  return follow(started.statusQueryGetUri);
}

/** Reads a GET route until `accept` holds: signals to entities are queued, so a read right after one may lag. */
function readUntil(route: string, accept: (status: number, body: any) => boolean): Promise<any> {
  return waitFor(`GET ${route} to answer as expected`, async () => {
    const response = await env().fetch(route);
    const body = response.headers.get('content-type')?.includes('json') ? await response.json() : undefined;
    return accept(response.status, body) ? { status: response.status, body } : undefined;
  });
}

describe('function chaining', () => {
  it('runs HelloCities from its starter; the status URL shows the greetings', async () => {
    const status = await finished(await start('/api/StartChaining'));
    expect(status).toMatchObject({ name: 'HelloCities', runtimeStatus: 'Completed', output: GREETINGS });
  });
});

describe('fan-out/fan-in', () => {
  it('greets five cities in parallel, in input order', async () => {
    const status = await finished(await start('/api/StartFanOutFanIn'));
    expect(status.output).toEqual([...GREETINGS, 'Hello Cairo!', 'Hello Sydney!']);
  });

  it('measures a folder file by file', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'directory-size-'));
    try {
      await mkdir(path.join(folder, 'nested'));
      await writeFile(path.join(folder, 'a.txt'), 'x'.repeat(10));
      await writeFile(path.join(folder, 'nested', 'b.bin'), 'y'.repeat(1234));
      const status = await finished(await start('/api/StartDirectorySize', { directory: folder }));
      expect(status.output).toEqual({ directory: folder, fileCount: 2, totalBytes: 1244 });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('human interaction (ClaimApproval)', () => {
  const waitingForApproval = (id: string) => env().client.waitForStatus(id, (s) => s.customStatus === 'waiting for approval');

  it('is approved through the app route, which raises ClaimApproval with its durable client', async () => {
    const started = await start('/api/claims', { claimId: 'C-1' });
    await waitingForApproval(started.id);
    expect((await post(`/api/claims/${started.id}/approve`, { Approved: true, Reason: 'receipts attached' })).status).toBe(202);
    expect(await finished(started)).toMatchObject({
      runtimeStatus: 'Completed',
      customStatus: 'approved',
      output: { claimId: 'C-1', outcome: 'approved', reason: 'receipts attached', greetings: GREETINGS },
    });
  });

  it('is rejected through the management URL sendEventPostUri', async () => {
    const started = await start('/api/claims', { claimId: 'C-2' });
    await waitingForApproval(started.id);
    const raise = await post(started.sendEventPostUri.replace('{eventName}', 'ClaimApproval'), { Approved: false, Reason: 'no receipt' });
    expect(raise.status).toBe(202);
    expect((await finished(started)).output).toEqual({ claimId: 'C-2', outcome: 'rejected', reason: 'no receipt', greetings: GREETINGS });
  });

  it('escalates when nobody decides within the day-long timeout', async () => {
    const before = env().now();
    const started = await start('/api/claims', { claimId: 'C-3', timeoutSeconds: env().day });
    const status = await finished(started);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', customStatus: 'escalated', output: { claimId: 'C-3', outcome: 'timedOut' } });
    expect(status.output.escalation).toBe(`Claim C-3 escalated to a claims supervisor: No decision within ${env().day} seconds.`);
    if (before !== undefined) expect(env().now()! - before).toBeGreaterThanOrEqual(env().day * 1000);
  });
});

describe('async HTTP API (CountPrimes)', () => {
  it('runs to completion through hour-long pauses, with progress in custom status', async () => {
    const started = await start('/api/orchestrators/CountPrimes', { upTo: 10_000, chunks: 4, pauseSeconds: env().day / 24 });
    const status = await finished(started);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { upTo: 10_000, chunks: 4, primes: 1229 }, customStatus: { chunksDone: 4, percent: 100 } });
  });

  it('the waiting starter answers 200 with the output when the instance finishes in time', async () => {
    const response = await post('/api/orchestrators/CountPrimes/wait?timeoutSeconds=20', { upTo: 1000, chunks: 2, pauseSeconds: 0 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ upTo: 1000, chunks: 2, primes: 168 });
  });

  it('the waiting starter answers 202 with management URLs when it does not, and the terminate URL works', async () => {
    const response = await post('/api/orchestrators/CountPrimes/wait?timeoutSeconds=0.2', { upTo: 1000, chunks: 2, pauseSeconds: env().day });
    expect(response.status).toBe(202);
    const started = (await response.json()) as CheckStatus;
    expect((await post(started.terminatePostUri.replace('{text}', 'not%20needed'))).status).toBe(202);
    expect(await finished(started)).toMatchObject({ runtimeStatus: 'Terminated', output: 'not needed' });
  });
});

describe('monitor (JobStatusMonitor)', () => {
  it('checks the job every hour and ends when the job reports done', async () => {
    const started = await start('/api/jobs/report/monitor', { pollingIntervalSeconds: env().day / 24, expirySeconds: 7 * env().day });
    await env().client.waitForStatus(started.id, (s) => (s.customStatus as any)?.lastObserved?.state === 'pending');
    expect((await post('/api/jobs/report/status', { state: 'running', progress: 40 })).status).toBe(202);
    await env().client.waitForStatus(started.id, (s) => (s.customStatus as any)?.lastObserved?.progress === 40);
    await post('/api/jobs/report/status', { state: 'done', progress: 100 });
    const status = await finished(started);
    expect(status.output).toMatchObject({ jobId: 'report', outcome: 'done', lastObserved: { state: 'done', progress: 100 } });
    expect(status.output.checks).toBeGreaterThanOrEqual(3);
  });

  it('gives up with outcome "expired" when the job never finishes', async () => {
    const status = await finished(await start('/api/jobs/never/monitor', { pollingIntervalSeconds: env().day / 4, expirySeconds: env().day }));
    expect(status.output).toMatchObject({ jobId: 'never', outcome: 'expired', lastObserved: { state: 'pending' } });
    expect(status.output.checks).toBeGreaterThanOrEqual(2);
  });
});

describe('Counter entity', () => {
  it('adds, resets and reads through signals', async () => {
    expect((await env().fetch('/api/counter/c1')).status).toBe(404);
    for (const amount of [5, 1, 3]) expect((await post('/api/counter/c1/add', amount)).status).toBe(202);
    expect((await readUntil('/api/counter/c1', (_, body) => body?.value === 9)).body).toEqual({ key: 'c1', value: 9 });
    await post('/api/counter/c1/reset');
    await readUntil('/api/counter/c1', (_, body) => body?.value === 0);
  });
});

describe('account transfer (entities in a critical section)', () => {
  it('moves money between two accounts and never overdraws', async () => {
    expect((await post('/api/accounts/alice/deposit?amount=100')).status).toBe(202);
    await readUntil('/api/balance/alice', (status, body) => status === 200 && body.balance === 100);
    const transfers = await Promise.all([1, 2, 3, 4].map(() => post('/api/transfer?from=alice&to=bob&amount=30')));
    const outcomes = await Promise.all(transfers.map(async (r) => (r.status === 200 ? r.json() : finished((await r.json()) as CheckStatus).then((s) => s.output))));
    expect(outcomes.filter((o) => o.transferred)).toHaveLength(3);
    expect(outcomes.filter((o) => !o.transferred).map((o) => o.reason)).toEqual(["Insufficient funds: 'alice' has 10, the transfer needs 30."]);
    await readUntil('/api/balance/bob', (status, body) => status === 200 && body.balance === 90);
  });
});

describe('data-sync polling pipeline', () => {
  /** What the source API serves against a freshly seeded database (see functions/data-sync/customer-records.ts). */
  const FIRST_SYNC = {
    inserted: ['c-003'],
    updated: ['c-002'],
    unchanged: 1,
    rejected: [{ id: 'c-004', reason: 'email "not-an-email" is not an e-mail address' }],
    totalRecords: 4,
  };
  const restores: (() => void)[] = [];
  beforeAll(() => {
    // These two steps call the app's own HTTP functions over the network; in-process there is no port, so they make
    // the same calls through env.fetch instead.
    restores.push(
      env().mockActivity('FetchDataAPI', async () => ((await (await env().fetch('/api/source/records')).json()) as { records: unknown[] }).records),
      env().mockActivity('PostUpdateWebhook', async ({ run, cycle, changes }) => {
        const response = await post('/api/webhooks/data-sync', { runId: run.runId, database: run.database, cycle, changes });
        return { deliveryId: ((await response.json()) as { deliveryId: string }).deliveryId };
      }),
    );
  });
  afterAll(() => restores.forEach((restore) => restore()));

  it('syncs cycle after cycle, a day apart', async () => {
    const status = await finished(await start(`/api/StartDataSync?database=clean&cycles=2&intervalSeconds=${env().day}`));
    expect(status).toMatchObject({ runtimeStatus: 'Completed', customStatus: { cycle: 2, cycles: 2, stage: 'done' } });
    const [first, second] = status.output.cycles;
    expect(first).toMatchObject({ cycle: 1, fetched: { api: 4, database: 3 }, changes: FIRST_SYNC, followUp: { auditEntries: 1 } });
    expect(second).toMatchObject({ cycle: 2, changes: { inserted: [], updated: [], unchanged: 3 }, followUp: { auditEntries: 2 } });
    const stored = JSON.parse(await readFile(path.join(env().dataDir, 'clean.json'), 'utf8'));
    expect(stored.records.map((r: { id: string }) => r.id)).toEqual(['c-001', 'c-002', 'c-003', 'c-099']);
  });

  it('a run that failed on its last attempt completes after a rewind through its rewind URL', async () => {
    const started = await start(`/api/StartDataSync?database=rewound&failStep=ValidateAndUpdateDB&failTimes=2&maxAttempts=2&retryIntervalMs=${(env().day / 24) * 1000}`);
    const failed = await finished(started);
    expect(failed.runtimeStatus).toBe('Failed');
    expect((await post(started.rewindPostUri.replace('{text}', 'fixed'))).status).toBe(202);
    const status = await env().client.waitForStatus(started.id, (s) => s.runtimeStatus === 'Completed' || (s.runtimeStatus === 'Failed' && s.output !== failed.output));
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { cycles: [{ changes: FIRST_SYNC }] } });
  });
});
