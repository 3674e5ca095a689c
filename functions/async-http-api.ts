/**
 * Async HTTP API: a long-running orchestration behind the standard "202 + Location, poll until done" contract.
 *
 *   POST /api/orchestrators/{name}        generic starter, body = input → 202 with Location and the management URLs
 *   POST /api/orchestrators/{name}/wait   waits up to ?timeoutSeconds (default 10): 200 with the output when the
 *                                         instance finished in time, otherwise the same 202 as above
 *
 * `CountPrimes` counts the primes up to `upTo` in `chunks` sequential activities, pausing `pauseSeconds` on a durable
 * timer between chunks, and reports its progress as custom status {chunksDone, chunks, percent, primesSoFar}.
 * The default input {"upTo": 1000000, "chunks": 10, "pauseSeconds": 2} runs ~20 s and returns {"primes": 78498, ...}.
 */
import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { answeringInvalidInput, inputObject, InvalidInputError, numberInput, readJsonBody } from './shared/sample-input';

interface CountPrimesInput {
    upTo: number;
    chunks: number;
    pauseSeconds: number;
}

function countPrimesInput(input: unknown): CountPrimesInput {
    const raw = inputObject(input, 'The CountPrimes input');
    return {
        upTo: numberInput(raw.upTo, 'upTo', { default: 1_000_000, min: 2, max: 50_000_000, integer: true }),
        chunks: numberInput(raw.chunks, 'chunks', { default: 10, min: 1, max: 1000, integer: true }),
        pauseSeconds: numberInput(raw.pauseSeconds, 'pauseSeconds', { default: 2, min: 0 }),
    };
}

/** Half-open range [from, to) of candidates. */
interface Range {
    from: number;
    to: number;
}

df.app.activity('CountPrimesInRange', {
    handler: ({ from, to }: Range): number => {
        let count = 0;
        for (let n = from; n < to; n++) if (isPrime(n)) count++;
        return count;
    },
});

function isPrime(n: number): boolean {
    if (n < 4) return n >= 2;
    if (n % 2 === 0 || n % 3 === 0) return false;
    for (let d = 5; d * d <= n; d += 6) if (n % d === 0 || n % (d + 2) === 0) return false;
    return true;
}

df.app.orchestration('CountPrimes', function* (context) {
    const { upTo, chunks, pauseSeconds } = countPrimesInput(context.df.getInput());
    const ranges = splitRange(2, upTo + 1, chunks);
    let primes = 0;
    context.df.setCustomStatus(progress(0, ranges.length, primes));
    for (let i = 0; i < ranges.length; i++) {
        primes += (yield context.df.callActivity('CountPrimesInRange', ranges[i])) as number;
        context.df.setCustomStatus(progress(i + 1, ranges.length, primes));
        if (pauseSeconds > 0 && i < ranges.length - 1) {
            yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + pauseSeconds * 1000));
        }
    }
    return { upTo, chunks: ranges.length, primes };
});

function splitRange(from: number, to: number, parts: number): Range[] {
    const size = Math.ceil((to - from) / parts);
    const ranges: Range[] = [];
    for (let start = from; start < to; start += size) ranges.push({ from: start, to: Math.min(to, start + size) });
    return ranges;
}

function progress(chunksDone: number, chunks: number, primesSoFar: number) {
    return { chunksDone, chunks, percent: Math.round((100 * chunksDone) / chunks), primesSoFar };
}

/** Starts any orchestrator by name; a name the app does not have is the caller's mistake, so it is a 400. */
async function startByName(request: HttpRequest, client: df.DurableClient): Promise<string> {
    const name = request.params.name;
    const input = await readJsonBody(request);
    try {
        return await client.startNew(name, { input });
    } catch (err) {
        // The durable client reports the management API's 400 (unknown function, bad input) only in its message.
        if (/status code: 400/.test((err as Error).message)) {
            throw new InvalidInputError(`Could not start orchestrator '${name}': ${(err as Error).message}`);
        }
        throw err;
    }
}

df.app.client.http('StartOrchestrator', {
    route: 'orchestrators/{name}',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const instanceId = await startByName(request, client);
        return client.createCheckStatusResponse(request, instanceId);
    }),
});

df.app.client.http('StartOrchestratorAndWait', {
    route: 'orchestrators/{name}/wait',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const timeoutSeconds = numberInput(request.query.get('timeoutSeconds'), 'timeoutSeconds', {
            default: 10,
            above: 0,
            max: 230, // the front end of a Function App in Azure drops requests after 230 s
        });
        const instanceId = await startByName(request, client);
        return client.waitForCompletionOrCreateCheckStatusResponse(request, instanceId, {
            timeoutInMilliseconds: timeoutSeconds * 1000,
            retryIntervalInMilliseconds: Math.min(250, timeoutSeconds * 1000),
        });
    }),
});
