import { BACKENDS, useSampleApp } from './sample-app';

describe.each(BACKENDS)('function chaining sample (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    it('POST /api/StartChaining answers 202 with the management URLs and the instance greets three cities in order', async () => {
        const response = await app().post('/api/StartChaining');
        expect(response.status).toBe(202);
        expect(response.headers.get('location')).toBe(response.body.statusQueryGetUri);
        expect(response.headers.get('retry-after')).toBe('10');
        for (const key of ['id', 'statusQueryGetUri', 'sendEventPostUri', 'terminatePostUri', 'purgeHistoryDeleteUri', 'suspendPostUri', 'resumePostUri']) {
            expect(response.body[key]).toEqual(expect.any(String));
        }
        expect(response.body.statusQueryGetUri).toContain(`${app().baseUrl}/runtime/webhooks/durabletask/instances/${response.body.id}`);

        const status = await app().waitForCompletion(response.body.statusQueryGetUri);
        expect(status).toMatchObject({
            name: 'HelloCities',
            instanceId: response.body.id,
            runtimeStatus: 'Completed',
            output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
        });
    });
});
