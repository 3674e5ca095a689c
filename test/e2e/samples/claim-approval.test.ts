import { BACKENDS, useSampleApp } from './sample-app';

const GREETINGS = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

describe.each(BACKENDS)('claim approval sample (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    async function submitAndAwaitApproval(body: unknown) {
        const started = await app().start('/api/claims', body);
        const waiting = await app().waitForStatus(started.statusQueryGetUri, 'the claim to wait for approval', (s) => s.customStatus === 'waiting for approval');
        expect(waiting.runtimeStatus).toBe('Running');
        return started;
    }

    it('is approved through POST /api/claims/{id}/approve', async () => {
        const started = await submitAndAwaitApproval({ claimId: 'C-1', timeoutSeconds: 300 });
        const approve = await app().post(`/api/claims/${started.id}/approve`, { Approved: true, Reason: 'Because this is awesome!' });
        expect(approve.status).toBe(202);

        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status).toMatchObject({
            name: 'ClaimApproval',
            runtimeStatus: 'Completed',
            customStatus: 'approved',
            output: { claimId: 'C-1', outcome: 'approved', reason: 'Because this is awesome!', greetings: GREETINGS },
        });
    });

    it('is rejected through the built-in raiseEvent route (sendEventPostUri)', async () => {
        const started = await submitAndAwaitApproval({ timeoutSeconds: 300 });
        const raise = await app().post(started.sendEventPostUri.replace('{eventName}', 'ClaimApproval'), { Approved: false, Reason: 'No receipt attached' });
        expect(raise.status).toBe(202);

        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.customStatus).toBe('rejected');
        expect(status.output).toEqual({ claimId: started.id, outcome: 'rejected', reason: 'No receipt attached', greetings: GREETINGS });
    });

    it('times out after the configured seconds and escalates', async () => {
        const started = await app().start('/api/claims', { claimId: 'C-3', timeoutSeconds: 1 });
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.customStatus).toBe('escalated');
        expect(status.output).toEqual({
            claimId: 'C-3',
            outcome: 'timedOut',
            reason: 'No decision within 1 seconds',
            escalation: 'Claim C-3 escalated to a claims supervisor: No decision within 1 seconds.',
            greetings: GREETINGS,
        });
    });

    it('the approve route refuses unknown and already decided claims and a malformed decision', async () => {
        expect((await app().post('/api/claims/no-such-claim/approve')).status).toBe(404);

        const started = await submitAndAwaitApproval({ timeoutSeconds: 300 });
        const malformed = await app().post(`/api/claims/${started.id}/approve`, { Approved: 'yes' });
        expect(malformed.status).toBe(400);
        expect(malformed.body.error).toBe('Approved must be true or false; got "yes".');

        expect((await app().post(`/api/claims/${started.id}/approve`)).status).toBe(202); // no body: approves
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.output).toMatchObject({ outcome: 'approved', reason: 'No reason given' });

        const late = await app().post(`/api/claims/${started.id}/approve`, { Approved: false });
        expect(late.status).toBe(409);
        expect(late.body.error).toBe(`Claim '${started.id}' is already Completed.`);
    });

    it('rejects a non-positive timeout with a 400', async () => {
        const response = await app().post('/api/claims', { timeoutSeconds: 0 });
        expect(response.status).toBe(400);
        expect(response.body.error).toBe('timeoutSeconds must be a number, greater than 0; got 0.');
    });
});
