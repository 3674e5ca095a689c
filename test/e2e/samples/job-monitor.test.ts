import { BACKENDS, useSampleApp } from './sample-app';

describe.each(BACKENDS)('monitor sample (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    it('polls the job on a timer, shows each observed state, and ends when the job reports done', async () => {
        const jobId = `report-${backend}`;
        const started = await app().start(`/api/jobs/${jobId}/monitor`, { pollingIntervalSeconds: 0.2, expirySeconds: 120 });
        await app().waitForStatus(started.statusQueryGetUri, 'a first check', (s) => s.customStatus?.lastObserved?.state === 'pending');

        expect((await app().post(`/api/jobs/${jobId}/status`, { state: 'running', progress: 40 })).status).toBe(202);
        const running = await app().waitForStatus(started.statusQueryGetUri, 'the running report', (s) => s.customStatus?.lastObserved?.progress === 40);
        expect(running.runtimeStatus).toBe('Running');
        expect(running.customStatus).toMatchObject({ jobId, lastObserved: { state: 'running', progress: 40 } });
        expect((await app().get(`/api/jobs/${jobId}`)).body).toEqual({ jobId, state: 'running', progress: 40 });

        await app().post(`/api/jobs/${jobId}/status`, { state: 'done', progress: 100 });
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toMatchObject({ jobId, outcome: 'done', lastObserved: { state: 'done', progress: 100 } });
        expect(status.output.checks).toBeGreaterThanOrEqual(3);
        expect(status.customStatus).toEqual({ jobId, lastObserved: { state: 'done', progress: 100 }, checks: status.output.checks });
    });

    it('gives up with outcome "expired" when the job never finishes before the expiry time', async () => {
        const started = await app().start(`/api/jobs/never-${backend}/monitor`, { pollingIntervalSeconds: 0.2, expirySeconds: 1 });
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toMatchObject({ jobId: `never-${backend}`, outcome: 'expired', lastObserved: { state: 'pending' } });
        expect(status.output.checks).toBeGreaterThanOrEqual(2);
    });

    it('rejects a report with an unknown state and a job without reports is a 404', async () => {
        const response = await app().post('/api/jobs/x/status', { state: 'finished' });
        expect(response.status).toBe(400);
        expect(response.body.error).toBe('state must be one of pending, running, done, failed; got "finished".');
        expect((await app().get(`/api/jobs/unknown-${backend}`)).status).toBe(404);
    });
});
