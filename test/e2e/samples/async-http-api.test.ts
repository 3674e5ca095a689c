import { BACKENDS, useSampleApp } from './sample-app';

/** Test oracle: the number of primes <= n, by a sieve (the sample counts by trial division). */
function primesUpTo(n: number): number {
    const composite = new Uint8Array(n + 1);
    let count = 0;
    for (let i = 2; i <= n; i++) {
        if (composite[i]) continue;
        count++;
        for (let j = i * i; j <= n; j += i) composite[j] = 1;
    }
    return count;
}

describe.each(BACKENDS)('async HTTP API sample (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    it('the generic starter runs CountPrimes to completion, with the final progress in custom status', async () => {
        const started = await app().start('/api/orchestrators/CountPrimes', { upTo: 100_000, chunks: 4, pauseSeconds: 0 });
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        const primes = primesUpTo(100_000);
        expect(status).toMatchObject({
            name: 'CountPrimes',
            runtimeStatus: 'Completed',
            output: { upTo: 100_000, chunks: 4, primes },
            customStatus: { chunksDone: 4, chunks: 4, percent: 100, primesSoFar: primes },
        });
    });

    it('reports progress while running (status 202) and can be terminated through its terminate URL', async () => {
        // One chunk, then an hour-long pause: the instance is observably mid-way for as long as the test needs.
        const started = await app().start('/api/orchestrators/CountPrimes', { upTo: 100_000, chunks: 4, pauseSeconds: 3600 });
        const running = await app().waitForStatus(started.statusQueryGetUri, 'one chunk done', (s) => s.customStatus?.chunksDone === 1);
        expect(running.runtimeStatus).toBe('Running');
        // The first chunk is [2, 25002): 25000 candidates.
        expect(running.customStatus).toEqual({ chunksDone: 1, chunks: 4, percent: 25, primesSoFar: primesUpTo(25_001) });
        const poll = await app().get(started.statusQueryGetUri);
        expect(poll.status).toBe(202);

        const terminate = await app().post(started.terminatePostUri.replace('{text}', 'test%20is%20done'));
        expect(terminate.status).toBe(202);
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Terminated');
        expect(status.output).toBe('test is done');
    });

    it('the waiting starter answers 200 with the output when the instance finishes in time', async () => {
        const response = await app().post('/api/orchestrators/CountPrimes/wait?timeoutSeconds=20', { upTo: 10_000, chunks: 2, pauseSeconds: 0 });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ upTo: 10_000, chunks: 2, primes: primesUpTo(10_000) });
    });

    it('the waiting starter falls back to 202 + status URLs when the instance outlives the timeout', async () => {
        const response = await app().post('/api/orchestrators/CountPrimes/wait?timeoutSeconds=0.5', { upTo: 1000, chunks: 2, pauseSeconds: 3600 });
        expect(response.status).toBe(202);
        expect(response.headers.get('location')).toBe(response.body.statusQueryGetUri);
        await app().post(response.body.terminatePostUri.replace('{text}', 'cleanup'));
        expect((await app().waitForCompletion(response.body.statusQueryGetUri)).runtimeStatus).toBe('Terminated');
    });

    it('an unknown orchestrator name is a 400 that names it', async () => {
        const response = await app().post('/api/orchestrators/NoSuchOrchestrator');
        expect(response.status).toBe(400);
        expect(response.body.error).toContain("Could not start orchestrator 'NoSuchOrchestrator'");
    });

    it('bad input fails the instance with a message that says what is wrong', async () => {
        const started = await app().start('/api/orchestrators/CountPrimes', { chunks: 0 });
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Failed');
        expect(JSON.stringify(status.output)).toContain('chunks must be an integer, at least 1, at most 1000; got 0.');
    });
});
