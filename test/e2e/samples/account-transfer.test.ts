import { BACKENDS, HttpResult, useSampleApp } from './sample-app';

describe.each(BACKENDS)('account transfer sample (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    const balance = (account: string, expected: number) =>
        app().waitUntil(`${account} to hold ${expected}`, async () => {
            const response = await app().get(`/api/balance/${account}`);
            return response.status === 200 && response.body.balance === expected ? response.body : undefined;
        });

    /** POST /api/transfer answers 200 with the outcome, or 202 + status URLs when it took longer than its wait. */
    async function outcome(response: HttpResult) {
        if (response.status === 200) return response.body;
        expect(response.status).toBe(202);
        return (await app().waitForCompletion(response.body.statusQueryGetUri)).output;
    }

    it('moves money between two accounts inside a critical section', async () => {
        const [alice, bob] = [`alice-${backend}`, `bob-${backend}`];
        expect((await app().post(`/api/accounts/${alice}/deposit?amount=100`)).status).toBe(202);
        await balance(alice, 100);

        const result = await outcome(await app().post(`/api/transfer?from=${alice}&to=${bob}&amount=30`));
        expect(result).toEqual({ transferred: true, from: alice, to: bob, amount: 30, balances: { [alice]: 70, [bob]: 30 } });
        expect(await balance(bob, 30)).toEqual({ account: bob, balance: 30 });
    });

    it('never overdraws: of five concurrent 30-transfers from 100, exactly three succeed', async () => {
        const [carol, dave] = [`carol-${backend}`, `dave-${backend}`];
        await app().post(`/api/accounts/${carol}/deposit?amount=100`);
        await balance(carol, 100);

        const results = await Promise.all(
            Array.from({ length: 5 }, async () => outcome(await app().post(`/api/transfer?from=${carol}&to=${dave}&amount=30`))),
        );
        expect(results.filter((r) => r.transferred)).toHaveLength(3);
        const refused = results.filter((r) => !r.transferred);
        expect(refused).toHaveLength(2);
        for (const r of refused) expect(r.reason).toBe(`Insufficient funds: '${carol}' has 10, the transfer needs 30.`);
        await balance(carol, 10);
        await balance(dave, 90);
    });

    it('answers bad transfers with a 400 and an unknown account with a 404', async () => {
        const same = await app().post('/api/transfer?from=erin&to=erin&amount=5');
        expect(same.status).toBe(400);
        expect(same.body.error).toBe("from and to must be different accounts; both are 'erin'.");
        const negative = await app().post('/api/transfer?from=erin&to=frank&amount=-5');
        expect(negative.status).toBe(400);
        expect(negative.body.error).toBe('amount must be a number, greater than 0; got "-5".');
        expect((await app().get(`/api/balance/nobody-${backend}`)).status).toBe(404);
    });
});
