/**
 * Durable entity: `Counter` keeps one number per key. Operations run one at a time per key, so concurrent signals
 * never lose an update.
 *
 *   POST /api/counter/{key}/add      body: the amount, a JSON number (default 1) → 202
 *   POST /api/counter/{key}/reset    → 202
 *   POST /api/counter/{key}/delete   → 202 (the entity and its state are removed)
 *   POST /api/counter/{key}/get      same as GET below (`get` is also what orchestrations `callEntity`)
 *   GET  /api/counter/{key}          → {"key": "...", "value": n}, or 404 when the counter does not exist
 *
 * Signals are queued, so a read right after a signal may not see it yet; read again.
 */
import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { answeringInvalidInput, InvalidInputError, numberInput, readJsonBody } from './shared/sample-input';

const OPERATIONS = ['add', 'reset', 'get', 'delete'];

df.app.entity('Counter', (context: df.EntityContext<number>) => {
    const value = context.df.getState(() => 0) ?? 0;
    switch (context.df.operationName) {
        case 'add':
            context.df.setState(value + numberInput(context.df.getInput(), 'The amount to add', { default: 1 }));
            break;
        case 'reset':
            context.df.setState(0);
            break;
        case 'get':
            context.df.return(value);
            break;
        case 'delete':
            context.df.destructOnExit();
            break;
        default:
            throw new Error(`The Counter entity has no operation '${context.df.operationName}'; use ${OPERATIONS.join(', ')}.`);
    }
});

async function readCounter(client: df.DurableClient, key: string) {
    const counter = await client.readEntityState<number>(new df.EntityId('Counter', key));
    if (!counter.entityExists) return { status: 404, jsonBody: { error: `Counter '${key}' does not exist.` } };
    return { jsonBody: { key, value: counter.entityState } };
}

df.app.client.http('SignalCounter', {
    route: 'counter/{key}/{op}',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const { key, op } = request.params;
        if (!OPERATIONS.includes(op)) {
            throw new InvalidInputError(`Unknown counter operation '${op}'; use ${OPERATIONS.join(', ')}.`);
        }
        if (op === 'get') return readCounter(client, key);
        const amount = op === 'add' ? numberInput(await readJsonBody(request), 'The amount to add', { default: 1 }) : undefined;
        await client.signalEntity(new df.EntityId('Counter', key), op, amount);
        return { status: 202, jsonBody: { key, operation: op, ...(amount === undefined ? {} : { input: amount }) } };
    }),
});

df.app.client.http('GetCounter', {
    route: 'counter/{key}',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async (request, client) => readCounter(client, request.params.key),
});
