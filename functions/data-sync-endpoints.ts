/**
 * The two HTTP services the data-sync pipeline talks to, served by this same app so the sample is self-contained:
 * the pipeline's activities reach them over real HTTP, exactly as they would reach another team's services.
 *
 *   GET  /api/source/records      the "source system" API: its current customer records (one of them invalid)
 *   POST /api/webhooks/data-sync  the "downstream" webhook that is told what a sync changed → 200 {received, deliveryId}
 */
import { app, HttpRequest, InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { answeringInvalidInput, inputObject, readJsonBody, textInput } from './shared/sample-input';

const SOURCE_RECORDS = [
    { id: 'c-001', name: 'Ada Lovelace', email: 'ada@example.com' },
    { id: 'c-002', name: 'Grace Hopper', email: 'grace.hopper@example.com' },
    { id: 'c-003', name: 'Alan Turing', email: 'alan@example.com' },
    { id: 'c-004', name: 'Nobody', email: 'not-an-email' },
];

app.http('SourceRecords', {
    route: 'source/records',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async () => ({ jsonBody: { records: SOURCE_RECORDS } }),
});

app.http('DataSyncWebhook', {
    route: 'webhooks/data-sync',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, context: InvocationContext) => {
        const notice = inputObject(await readJsonBody(request), 'The webhook body');
        const runId = textInput(notice.runId, 'runId');
        const deliveryId = randomUUID();
        context.log(`Data sync ${runId} reported ${JSON.stringify(notice.changes)} (delivery ${deliveryId})`);
        return { jsonBody: { received: true, deliveryId } };
    }),
});
