import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BACKENDS, useSampleApp } from './sample-app';

/** What the source API serves against a freshly seeded database (see functions/data-sync/customer-records.ts). */
const FIRST_SYNC = {
    inserted: ['c-003'],
    updated: ['c-002'],
    unchanged: 1,
    rejected: [{ id: 'c-004', reason: 'email "not-an-email" is not an e-mail address' }],
    totalRecords: 4,
};

describe.each(BACKENDS)('data-sync polling pipeline (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    it('fetches, validates, stores, notifies the webhook and runs the follow-ups, cycle after cycle', async () => {
        const started = await app().start('/api/StartDataSync?database=clean&cycles=2&intervalSeconds=0.2');
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.customStatus).toEqual({ cycle: 2, cycles: 2, stage: 'done' });

        const [first, second] = status.output.cycles;
        expect(status.output.database).toBe('clean');
        expect(first).toMatchObject({ cycle: 1, fetched: { api: 4, database: 3 }, changes: FIRST_SYNC, followUp: { auditEntries: 1 } });
        expect(first.webhook.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
        // The second cycle finds the database already in step with the source.
        expect(second).toMatchObject({
            cycle: 2,
            fetched: { api: 4, database: 4 },
            changes: { inserted: [], updated: [], unchanged: 3, totalRecords: 4 },
            followUp: { auditEntries: 2 },
        });

        const stored = JSON.parse(await readFile(path.join(app().dataDir, 'clean.json'), 'utf8'));
        expect(stored.records.map((r: { id: string }) => r.id)).toEqual(['c-001', 'c-002', 'c-003', 'c-099']);

        // Each cycle is a PollingService sub-orchestration with a predictable id.
        const cycle = await app().status(app().statusUrl(`${started.id}:cycle-1`));
        expect(cycle).toMatchObject({ name: 'PollingService', runtimeStatus: 'Completed', customStatus: { cycle: 1, stage: 'done' } });
    });

    it('retries a failing step and completes once it recovers', async () => {
        const started = await app().start('/api/StartDataSync?database=flaky&failStep=FetchDataAPI&failTimes=2&maxAttempts=3&retryIntervalMs=100');
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output.cycles[0].changes).toEqual(FIRST_SYNC);

        // The cycle's history shows the two failed attempts before the one that succeeded.
        const cycle = await app().status(app().statusUrl(`${started.id}:cycle-1`, '?showHistory=true'));
        const apiCalls = cycle.historyEvents!.filter((e) => e.FunctionName === 'FetchDataAPI').map((e) => e.EventType);
        expect(apiCalls).toEqual(['TaskFailed', 'TaskFailed', 'TaskCompleted']);
    });

    /** Starts a run whose ValidateAndUpdateDB fails `failTimes` times with 2 attempts allowed, and waits for it to fail. */
    async function failedRun(database: string, failTimes = 3) {
        const started = await app().start(`/api/StartDataSync?database=${database}&failStep=ValidateAndUpdateDB&failTimes=${failTimes}&maxAttempts=2&retryIntervalMs=100`);
        const failed = await app().waitForCompletion(started.statusQueryGetUri);
        expect(failed.runtimeStatus).toBe('Failed');
        return { started, failed };
    }

    it('fails with a clear output when a step still fails after its last attempt', async () => {
        const { failed } = await failedRun('broken');
        expect(failed.output).toBe(
            "Orchestrator function 'DataSyncOrchestrator' failed: Data sync of 'broken' failed in cycle 1 of 1: " +
                "Step 'ValidateAndUpdateDB' failed after 2 attempts: Injected failure 2 of 3 in ValidateAndUpdateDB " +
                '(failStep=ValidateAndUpdateDB&failTimes=3).',
        );
    });

    it('a rewound run retries the failed step and completes', async () => {
        const { started, failed } = await failedRun('rewound', 2);
        const rewind = await app().post(started.rewindPostUri.replace('{text}', 'fixed'));
        expect(rewind.status).toBe(202);
        // The last attempt runs again: the third call succeeds. Wait for any other end, so a wrong one is reported, not timed out.
        const status = await app().waitForStatus(
            started.statusQueryGetUri,
            'the rewound run to finish',
            (s) => s.runtimeStatus === 'Completed' || (s.runtimeStatus === 'Failed' && s.output !== failed.output),
        );
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { cycles: [{ changes: FIRST_SYNC }] } });
    });

    it('answers an unknown failStep with a 400 listing the steps', async () => {
        const response = await app().post('/api/StartDataSync?failStep=Teleport');
        expect(response.status).toBe(400);
        expect(response.body.error).toBe(
            'failStep must be one of FetchDataAPI, FetchDataDB, ValidateAndUpdateDB, PostUpdateWebhook, RecordSyncAudit, PublishSyncReport; got "Teleport".',
        );
    });
});
