import { BACKENDS, useSampleApp } from './sample-app';

describe.each(BACKENDS)('Counter entity sample (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    const counterValue = (key: string, expected: number) =>
        app().waitUntil(`counter ${key} to read ${expected}`, async () => {
            const response = await app().get(`/api/counter/${key}`);
            return response.status === 200 && response.body.value === expected ? response.body : undefined;
        });

    it('adds, resets and deletes through signals, and reads through GET', async () => {
        const key = `c-${backend}`;
        expect((await app().get(`/api/counter/${key}`)).status).toBe(404);

        expect((await app().post(`/api/counter/${key}/add`, 5)).status).toBe(202);
        expect((await app().post(`/api/counter/${key}/add`)).body).toEqual({ key, operation: 'add', input: 1 });
        await app().post(`/api/counter/${key}/add`, 3);
        expect(await counterValue(key, 9)).toEqual({ key, value: 9 });
        expect((await app().post(`/api/counter/${key}/get`)).body).toEqual({ key, value: 9 });

        await app().post(`/api/counter/${key}/reset`);
        await counterValue(key, 0);

        await app().post(`/api/counter/${key}/delete`);
        await app().waitUntil('the counter to be deleted', async () => ((await app().get(`/api/counter/${key}`)).status === 404 ? true : undefined));
    });

    it('loses no update when many signals arrive at once', async () => {
        const key = `concurrent-${backend}`;
        const responses = await Promise.all(Array.from({ length: 20 }, () => app().post(`/api/counter/${key}/add`, 1)));
        expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
        await counterValue(key, 20);
    });

    it('answers an unknown operation or a non-numeric amount with a 400', async () => {
        const unknown = await app().post('/api/counter/x/multiply', 2);
        expect(unknown.status).toBe(400);
        expect(unknown.body.error).toBe("Unknown counter operation 'multiply'; use add, reset, get, delete.");
        const notANumber = await app().post('/api/counter/x/add', '"five"');
        expect(notANumber.status).toBe(400);
        expect(notANumber.body.error).toBe('The amount to add must be a number; got "five".');
    });
});
