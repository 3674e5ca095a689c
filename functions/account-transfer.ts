/**
 * Entities in a critical section: `TransferFunds` locks two `Account` entities with `context.df.lock`, checks the
 * balance and moves the money while both are locked, so concurrent transfers can neither overdraw an account nor
 * lose an update.
 *
 *   POST /api/accounts/{key}/deposit?amount=100    → 202 (signals the Account entity)
 *   POST /api/transfer?from=alice&to=bob&amount=30 → 200 with the outcome (or 202 + status URLs if it takes > 10 s):
 *        {"transferred": true, "from", "to", "amount", "balances": {"alice": 70, "bob": 30}}
 *        {"transferred": false, "from", "to", "amount", "reason": "Insufficient funds: ..."}
 *   GET  /api/balance/{key}                        → {"account": "alice", "balance": 70}, or 404 for an unknown account
 */
import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { answeringInvalidInput, inputObject, InvalidInputError, numberInput, textInput } from './shared/sample-input';

const ACCOUNT = /^[A-Za-z0-9._-]{1,100}$/;

df.app.entity('Account', (context: df.EntityContext<number>) => {
    const balance = context.df.getState(() => 0) ?? 0;
    switch (context.df.operationName) {
        case 'add': {
            const updated = balance + numberInput(context.df.getInput(), 'The amount to add', {});
            context.df.setState(updated);
            context.df.return(updated);
            break;
        }
        case 'get':
            context.df.return(balance);
            break;
        default:
            throw new Error(`The Account entity has no operation '${context.df.operationName}'; use add or get.`);
    }
});

function transferInput(value: unknown) {
    const raw = inputObject(value, 'The TransferFunds input');
    const from = textInput(raw.from, 'from', { pattern: ACCOUNT });
    const to = textInput(raw.to, 'to', { pattern: ACCOUNT });
    if (from === to) throw new InvalidInputError(`from and to must be different accounts; both are '${from}'.`);
    return { from, to, amount: numberInput(raw.amount, 'amount', { above: 0 }) };
}

df.app.orchestration('TransferFunds', function* (context) {
    const { from, to, amount } = transferInput(context.df.getInput());
    const source = new df.EntityId('Account', from);
    const target = new df.EntityId('Account', to);

    const lock: df.DurableLock = yield context.df.lock(source, target);
    try {
        const available: number = yield context.df.callEntity(source, 'get');
        if (available < amount) {
            const reason = `Insufficient funds: '${from}' has ${available}, the transfer needs ${amount}.`;
            return { transferred: false, from, to, amount, reason };
        }
        const [fromBalance, toBalance]: number[] = yield context.df.Task.all([
            context.df.callEntity(source, 'add', -amount),
            context.df.callEntity(target, 'add', amount),
        ]);
        return { transferred: true, from, to, amount, balances: { [from]: fromBalance, [to]: toBalance } };
    } finally {
        lock.release();
    }
});

df.app.client.http('Deposit', {
    route: 'accounts/{key}/deposit',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const account = textInput(request.params.key, 'The account in the route', { pattern: ACCOUNT });
        const amount = numberInput(request.query.get('amount'), 'amount', { above: 0 });
        await client.signalEntity(new df.EntityId('Account', account), 'add', amount);
        return { status: 202, jsonBody: { account, deposited: amount } };
    }),
});

df.app.client.http('Transfer', {
    route: 'transfer',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const q = request.query;
        const input = transferInput({ from: q.get('from'), to: q.get('to'), amount: q.get('amount') });
        const instanceId = await client.startNew('TransferFunds', { input });
        return client.waitForCompletionOrCreateCheckStatusResponse(request, instanceId, {
            timeoutInMilliseconds: 10_000,
            retryIntervalInMilliseconds: 100,
        });
    }),
});

df.app.client.http('GetBalance', {
    route: 'balance/{key}',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async (request, client) => {
        const account = request.params.key;
        const state = await client.readEntityState<number>(new df.EntityId('Account', account));
        if (!state.entityExists) return { status: 404, jsonBody: { error: `Account '${account}' does not exist.` } };
        return { jsonBody: { account, balance: state.entityState } };
    },
});
