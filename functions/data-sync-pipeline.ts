/**
 * Polling pipeline, the long-running job durable-runtime was first built for. `DataSyncOrchestrator` runs `cycles`
 * polling cycles `intervalSeconds` apart; each cycle is a `PollingService` sub-orchestration that
 *   1. fetches records from the source HTTP API and from the database in parallel (`FetchDataAPI`, `FetchDataDB`),
 *   2. `ValidateAndUpdateDB`: stores the valid records and rejects the others,
 *   3. `PostUpdateWebhook`: tells the downstream webhook what changed,
 *   4. runs the `SyncFollowUp` sub-orchestration (`RecordSyncAudit` and `PublishSyncReport` in parallel).
 * Every activity is called with `callActivityWithRetry` (exponential backoff); a step that still fails on its last
 * attempt fails the run with "Step '<name>' failed after <n> attempts: <last error>".
 *
 *   POST /api/StartDataSync   → 202 + status URLs. Optional query: database (default customers), cycles (1),
 *        intervalSeconds (60), maxAttempts (3), retryIntervalMs (1000), failStep=<activity>&failTimes=N (make that
 *        step fail its first N attempts, to see the retries; with N >= maxAttempts the run fails and can be rewound).
 *
 * The "database" is a JSON file per name under SAMPLES_DATA_DIR; the HTTP services are in data-sync-endpoints.ts.
 */
import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CustomerRecord, DATABASE_NAME, planSync, readRecords, writeRecords } from './data-sync/customer-records';
import { failIfPlanned, FaultPlan } from './data-sync/fault-injection';
import { appBaseUrl, dataDirectory } from './data-sync/pipeline-settings';
import { answeringInvalidInput, inputObject, InvalidInputError, numberInput, textInput } from './shared/sample-input';

const STEPS = ['FetchDataAPI', 'FetchDataDB', 'ValidateAndUpdateDB', 'PostUpdateWebhook', 'RecordSyncAudit', 'PublishSyncReport'] as const;
type StepName = (typeof STEPS)[number];

/** What every step gets: which run it belongs to (for fault injection) and which database it works on. */
interface SyncRun {
    runId: string;
    database: string;
    fault?: FaultPlan;
}

interface RetrySettings {
    firstIntervalMs: number;
    maxAttempts: number;
}

interface DataSyncInput {
    database: string;
    cycles: number;
    intervalSeconds: number;
    retry: RetrySettings;
    fault?: FaultPlan;
}

interface CycleInput {
    run: SyncRun;
    retry: RetrySettings;
    cycle: number;
}

interface SyncChanges {
    inserted: string[];
    updated: string[];
    unchanged: number;
    rejected: { id: string; reason: string }[];
    totalRecords: number;
}

function dataSyncInput(value: unknown): DataSyncInput {
    const raw = inputObject(value, 'The DataSyncOrchestrator input');
    const retry = inputObject(raw.retry, 'retry');
    const input: DataSyncInput = {
        database: textInput(raw.database, 'database', { default: 'customers', pattern: DATABASE_NAME }),
        cycles: numberInput(raw.cycles, 'cycles', { default: 1, min: 1, max: 100, integer: true }),
        intervalSeconds: numberInput(raw.intervalSeconds, 'intervalSeconds', { default: 60, min: 0 }),
        retry: {
            firstIntervalMs: numberInput(retry.firstIntervalMs, 'retryIntervalMs', { default: 1000, above: 0 }),
            maxAttempts: numberInput(retry.maxAttempts, 'maxAttempts', { default: 3, min: 1, max: 10, integer: true }),
        },
    };
    if (raw.fault !== undefined) {
        const fault = inputObject(raw.fault, 'fault');
        if (!STEPS.includes(fault.step as StepName)) {
            throw new InvalidInputError(`failStep must be one of ${STEPS.join(', ')}; got ${JSON.stringify(fault.step)}.`);
        }
        input.fault = { step: fault.step as StepName, times: numberInput(fault.times, 'failTimes', { default: 1, min: 0, integer: true }) };
    }
    return input;
}

/** Registers a pipeline activity that first honours the run's fault plan. */
function pipelineStep<I extends { run: SyncRun }, O>(name: StepName, work: (input: I) => Promise<O>): void {
    df.app.activity(name, {
        handler: async (input: I): Promise<O> => {
            await failIfPlanned(input.run.fault, input.run.runId, name);
            return work(input);
        },
    });
}

async function expectOk(response: Response, what: string): Promise<unknown> {
    if (!response.ok) throw new Error(`${what} answered HTTP ${response.status}: ${await response.text()}`);
    return response.json();
}

pipelineStep('FetchDataAPI', async (): Promise<Partial<CustomerRecord>[]> => {
    const url = `${appBaseUrl()}/api/source/records`;
    const body = (await expectOk(await fetch(url), `The source API (GET ${url})`)) as { records?: unknown };
    if (!Array.isArray(body.records)) throw new Error(`The source API (GET ${url}) returned no records array.`);
    return body.records;
});

pipelineStep('FetchDataDB', async ({ run }) => readRecords(run.database));

pipelineStep(
    'ValidateAndUpdateDB',
    async ({ run, incoming, current }: { run: SyncRun; incoming: Partial<CustomerRecord>[]; current: CustomerRecord[] }): Promise<SyncChanges> => {
        const plan = planSync(incoming, current);
        await writeRecords(run.database, plan.records);
        const { inserted, updated, unchanged, rejected, records } = plan;
        return { inserted, updated, unchanged: unchanged.length, rejected, totalRecords: records.length };
    },
);

interface ChangeNotice {
    run: SyncRun;
    cycle: number;
    changes: SyncChanges;
}

pipelineStep('PostUpdateWebhook', async ({ run, cycle, changes }: ChangeNotice) => {
    const url = `${appBaseUrl()}/api/webhooks/data-sync`;
    const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ runId: run.runId, database: run.database, cycle, changes }),
    });
    const { deliveryId } = (await expectOk(response, `The webhook (POST ${url})`)) as { deliveryId: string };
    return { deliveryId };
});

pipelineStep('RecordSyncAudit', async ({ run, cycle, changes }: ChangeNotice) => {
    const file = path.join(dataDirectory(), `${run.database}.audit.jsonl`);
    await mkdir(path.dirname(file), { recursive: true });
    const entry = { runId: run.runId, cycle, at: new Date().toISOString(), inserted: changes.inserted.length, updated: changes.updated.length };
    await appendFile(file, `${JSON.stringify(entry)}\n`);
    const auditEntries = (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
    return { auditFile: file, auditEntries };
});

pipelineStep('PublishSyncReport', async ({ run, cycle, changes }: ChangeNotice) => {
    const file = path.join(dataDirectory(), `${run.database}.report.json`);
    await writeFile(file, JSON.stringify({ runId: run.runId, cycle, generatedAt: new Date().toISOString(), changes }, null, 2));
    return { reportFile: file };
});

function retryOptions({ firstIntervalMs, maxAttempts }: RetrySettings): df.RetryOptions {
    const options = new df.RetryOptions(firstIntervalMs, maxAttempts);
    options.backoffCoefficient = 2;
    return options;
}

/**
 * The last error of a failed task: its first line, without the "Activity function 'X' failed: " or
 * "Orchestrator function 'X' failed: " the host wraps around it, since the pipeline names the step itself.
 */
function failureMessage(err: unknown): string {
    const details = (err as Partial<df.TaskFailedError>).failureDetails;
    const message = details?.errorMessage ?? (err instanceof Error ? err.message : String(err));
    return message.split('\n')[0].trim().replace(/^((Activity|Orchestrator) function '[^']*' failed: )+/, '');
}

function stepFailed(step: StepName, retry: RetrySettings, err: unknown): Error {
    return new Error(`Step '${step}' failed after ${retry.maxAttempts} attempts: ${failureMessage(err)}`);
}

/** Calls one step with retries; a final failure is rethrown naming the step. */
function* step<T>(context: df.OrchestrationContext, name: StepName, retry: RetrySettings, input: unknown): Generator<df.Task, T, T> {
    try {
        return yield context.df.callActivityWithRetry(name, retryOptions(retry), input);
    } catch (err) {
        throw stepFailed(name, retry, err);
    }
}

df.app.orchestration('PollingService', function* (context) {
    const { run, retry, cycle } = context.df.getInput() as CycleInput;

    context.df.setCustomStatus({ cycle, stage: 'fetching' });
    const fromApi = context.df.callActivityWithRetry('FetchDataAPI', retryOptions(retry), { run });
    const fromDb = context.df.callActivityWithRetry('FetchDataDB', retryOptions(retry), { run });
    try {
        yield context.df.Task.all([fromApi, fromDb]);
    } catch (err) {
        throw stepFailed(fromApi.isFaulted ? 'FetchDataAPI' : 'FetchDataDB', retry, err);
    }
    const incoming = fromApi.result as Partial<CustomerRecord>[];
    const current = fromDb.result as CustomerRecord[];

    context.df.setCustomStatus({ cycle, stage: 'validating' });
    const changes: SyncChanges = yield* step(context, 'ValidateAndUpdateDB', retry, { run, incoming, current });

    context.df.setCustomStatus({ cycle, stage: 'notifying' });
    const webhook: unknown = yield* step(context, 'PostUpdateWebhook', retry, { run, cycle, changes });

    context.df.setCustomStatus({ cycle, stage: 'follow-up' });
    let followUp: unknown;
    try {
        const followUpInput = { run, retry, cycle, changes };
        followUp = yield context.df.callSubOrchestrator('SyncFollowUp', followUpInput, `${context.df.instanceId}:follow-up`);
    } catch (err) {
        throw new Error(failureMessage(err));
    }

    context.df.setCustomStatus({ cycle, stage: 'done' });
    return { cycle, fetched: { api: incoming.length, database: current.length }, changes, webhook, followUp };
});

df.app.orchestration('SyncFollowUp', function* (context) {
    const { run, retry, cycle, changes } = context.df.getInput() as CycleInput & { changes: SyncChanges };
    const audit = context.df.callActivityWithRetry('RecordSyncAudit', retryOptions(retry), { run, cycle, changes });
    const report = context.df.callActivityWithRetry('PublishSyncReport', retryOptions(retry), { run, cycle, changes });
    try {
        yield context.df.Task.all([audit, report]);
    } catch (err) {
        throw stepFailed(audit.isFaulted ? 'RecordSyncAudit' : 'PublishSyncReport', retry, err);
    }
    return { ...(audit.result as object), ...(report.result as object) };
});

df.app.orchestration('DataSyncOrchestrator', function* (context) {
    const input = dataSyncInput(context.df.getInput());
    const run: SyncRun = { runId: context.df.instanceId, database: input.database, fault: input.fault };
    const cycles: unknown[] = [];
    for (let cycle = 1; cycle <= input.cycles; cycle++) {
        context.df.setCustomStatus({ cycle, cycles: input.cycles, stage: 'syncing' });
        try {
            const cycleInput: CycleInput = { run, retry: input.retry, cycle };
            cycles.push(yield context.df.callSubOrchestrator('PollingService', cycleInput, `${context.df.instanceId}:cycle-${cycle}`));
        } catch (err) {
            throw new Error(`Data sync of '${input.database}' failed in cycle ${cycle} of ${input.cycles}: ${failureMessage(err)}`);
        }
        if (cycle < input.cycles) {
            context.df.setCustomStatus({ cycle, cycles: input.cycles, stage: 'waiting for the next cycle' });
            yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + input.intervalSeconds * 1000));
        }
    }
    context.df.setCustomStatus({ cycle: input.cycles, cycles: input.cycles, stage: 'done' });
    return { database: input.database, cycles };
});

df.app.client.http('StartDataSync', {
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const q = (name: string) => request.query.get(name) ?? undefined;
        const input = dataSyncInput({
            database: q('database'),
            cycles: q('cycles'),
            intervalSeconds: q('intervalSeconds'),
            retry: { firstIntervalMs: q('retryIntervalMs'), maxAttempts: q('maxAttempts') },
            fault: q('failStep') === undefined ? undefined : { step: q('failStep'), times: q('failTimes') },
        });
        const instanceId = await client.startNew('DataSyncOrchestrator', { input });
        return client.createCheckStatusResponse(request, instanceId);
    }),
});
