/**
 * Monitor: a recurring check that ends by itself. `JobStatusMonitor` calls the `GetJobStatus` activity every
 * `pollingIntervalSeconds` (a durable timer, not a sleep) until the job reports "done" or "failed", or until
 * `expirySeconds` have passed. Its custom status shows the last observed state. The job is a `Job` entity that the
 * job's owner reports progress to over HTTP, so the state lives in the task hub and survives restarts.
 *
 *   POST /api/jobs/{jobId}/monitor   body {"pollingIntervalSeconds": 5, "expirySeconds": 300} → 202 + status URLs
 *   POST /api/jobs/{jobId}/status    body {"state": "running"|"done"|"failed", "progress": 0..100} → 202
 *   GET  /api/jobs/{jobId}           the job's last report, or 404 before its first one
 *
 * Output: {jobId, outcome: "done"|"failed"|"expired", lastObserved, checks}.
 */
import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import {
    answeringInvalidInput,
    inputObject,
    InvalidInputError,
    numberInput,
    readJsonBody,
    textInput,
} from './shared/sample-input';

const JOB_STATES = ['pending', 'running', 'done', 'failed'] as const;

interface JobReport {
    state: (typeof JOB_STATES)[number];
    progress?: number;
}

interface MonitorInput {
    jobId: string;
    pollingIntervalSeconds: number;
    expirySeconds: number;
}

const JOB_ID = /^[A-Za-z0-9._-]{1,100}$/;

function jobReport(value: unknown): JobReport {
    const raw = inputObject(value, 'A job report');
    if (!JOB_STATES.includes(raw.state as JobReport['state'])) {
        throw new InvalidInputError(`state must be one of ${JOB_STATES.join(', ')}; got ${JSON.stringify(raw.state)}.`);
    }
    const report: JobReport = { state: raw.state as JobReport['state'] };
    if (raw.progress !== undefined) report.progress = numberInput(raw.progress, 'progress', { min: 0, max: 100 });
    return report;
}

function monitorInput(value: unknown): MonitorInput {
    const raw = inputObject(value, 'The JobStatusMonitor input');
    return {
        jobId: textInput(raw.jobId, 'jobId', { pattern: JOB_ID }),
        pollingIntervalSeconds: numberInput(raw.pollingIntervalSeconds, 'pollingIntervalSeconds', { default: 5, above: 0 }),
        expirySeconds: numberInput(raw.expirySeconds, 'expirySeconds', { default: 300, above: 0 }),
    };
}

df.app.entity('Job', (context: df.EntityContext<JobReport>) => {
    const operation = context.df.operationName;
    if (operation !== 'report') throw new Error(`The Job entity has no operation '${operation}'; use 'report'.`);
    context.df.setState(jobReport(context.df.getInput()));
});

df.app.activity('GetJobStatus', {
    extraInputs: [df.input.durableClient()],
    handler: async (jobId: string, context): Promise<JobReport> => {
        const job = await df.getClient(context).readEntityState<JobReport>(new df.EntityId('Job', jobId));
        return job.entityExists && job.entityState ? job.entityState : { state: 'pending' };
    },
});

df.app.orchestration('JobStatusMonitor', function* (context) {
    const { jobId, pollingIntervalSeconds, expirySeconds } = monitorInput(context.df.getInput());
    const expiresAt = context.df.currentUtcDateTime.getTime() + expirySeconds * 1000;
    for (let checks = 1; ; checks++) {
        const lastObserved: JobReport = yield context.df.callActivity('GetJobStatus', jobId);
        context.df.setCustomStatus({ jobId, lastObserved, checks });

        const now = context.df.currentUtcDateTime.getTime();
        if (lastObserved.state === 'done' || lastObserved.state === 'failed') {
            return { jobId, outcome: lastObserved.state, lastObserved, checks };
        }
        if (now >= expiresAt) return { jobId, outcome: 'expired', lastObserved, checks };
        yield context.df.createTimer(new Date(Math.min(now + pollingIntervalSeconds * 1000, expiresAt)));
    }
});

function jobIdFrom(request: HttpRequest): string {
    return textInput(request.params.jobId, 'The job id in the route', { pattern: JOB_ID });
}

df.app.client.http('StartJobMonitor', {
    route: 'jobs/{jobId}/monitor',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const input = monitorInput({ ...inputObject(await readJsonBody(request), 'The request body'), jobId: jobIdFrom(request) });
        const instanceId = await client.startNew('JobStatusMonitor', { input });
        return client.createCheckStatusResponse(request, instanceId);
    }),
});

df.app.client.http('ReportJobStatus', {
    route: 'jobs/{jobId}/status',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const jobId = jobIdFrom(request);
        const report = jobReport(await readJsonBody(request));
        await client.signalEntity(new df.EntityId('Job', jobId), 'report', report);
        return { status: 202, jsonBody: { jobId, reported: report } };
    }),
});

df.app.client.http('GetJob', {
    route: 'jobs/{jobId}',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const jobId = jobIdFrom(request);
        const job = await client.readEntityState<JobReport>(new df.EntityId('Job', jobId));
        if (!job.entityExists) return { status: 404, jsonBody: { error: `Job '${jobId}' has not reported yet.` } };
        return { jsonBody: { jobId, ...job.entityState } };
    }),
});
