/**
 * Human interaction, after the Durable Task Scheduler getting-started demo: `ClaimApproval` greets Tokyo, Seattle and
 * London with `SayHello`, sets its custom status to "waiting for approval", then waits for the external event
 * `ClaimApproval` with body {"Approved": true|false, "Reason": "..."}, raced against a timeout timer (`Task.any`).
 *
 *   POST /api/claims                        body {"claimId": "C-1", "timeoutSeconds": 86400} (both optional) → 202 + status URLs
 *   POST /api/claims/{instanceId}/approve   body {"Approved": true, "Reason": "..."} (optional; approves by default) → 202
 *   POST /runtime/webhooks/durabletask/instances/{instanceId}/raiseEvent/ClaimApproval   the built-in route works too
 *
 * Output: {claimId, outcome: "approved"|"rejected"|"timedOut", reason, greetings}; a timed-out claim runs the
 * `EscalateClaim` activity and also carries its `escalation` note.
 */
import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import {
    answeringInvalidInput,
    inputObject,
    InvalidInputError,
    numberInput,
    readJsonBody,
    textInput,
} from './shared/sample-input';

/** The event body, PascalCase as in the .NET demo it follows. */
interface ClaimDecision {
    Approved: boolean;
    Reason?: string;
}

const EVENT_NAME = 'ClaimApproval';

function claimInput(value: unknown) {
    const raw = inputObject(value, 'The ClaimApproval input');
    return {
        claimId: raw.claimId === undefined ? undefined : textInput(raw.claimId, 'claimId'),
        timeoutSeconds: numberInput(raw.timeoutSeconds, 'timeoutSeconds', { default: 24 * 60 * 60, above: 0 }),
    };
}

function claimDecision(value: unknown): ClaimDecision {
    const raw = inputObject(value, 'The ClaimApproval event');
    const approved = raw.Approved ?? true; // the route is "approve": no body approves
    if (typeof approved !== 'boolean') {
        throw new InvalidInputError(`Approved must be true or false; got ${JSON.stringify(approved)}.`);
    }
    if (raw.Reason !== undefined && typeof raw.Reason !== 'string') {
        throw new InvalidInputError(`Reason must be a string; got ${JSON.stringify(raw.Reason)}.`);
    }
    return { Approved: approved, Reason: raw.Reason };
}

df.app.activity('EscalateClaim', {
    handler: ({ claimId, reason }: { claimId: string; reason: string }, context): string => {
        const note = `Claim ${claimId} escalated to a claims supervisor: ${reason}.`;
        context.warn(note);
        return note;
    },
});

df.app.orchestration('ClaimApproval', function* (context) {
    const input = claimInput(context.df.getInput());
    const claimId = input.claimId ?? context.df.instanceId;

    const greetings: string[] = [];
    for (const city of ['Tokyo', 'Seattle', 'London']) {
        greetings.push(yield context.df.callActivity('SayHello', city));
    }

    context.df.setCustomStatus('waiting for approval');
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + input.timeoutSeconds * 1000);
    const decisionTask = context.df.waitForExternalEvent(EVENT_NAME);
    const timeoutTask = context.df.createTimer(deadline);
    const winner = yield context.df.Task.any([decisionTask, timeoutTask]);

    if (winner === decisionTask) {
        // A pending timer keeps the orchestration from completing, so cancel it once the decision is in.
        timeoutTask.cancel();
        // Anything but an explicit approval (including a malformed event sent to the built-in route) rejects.
        const decision = decisionTask.result as Partial<ClaimDecision> | null;
        const outcome = decision?.Approved === true ? 'approved' : 'rejected';
        const reason = typeof decision?.Reason === 'string' && decision.Reason !== '' ? decision.Reason : 'No reason given';
        context.df.setCustomStatus(outcome);
        return { claimId, outcome, reason, greetings };
    }

    const reason = `No decision within ${input.timeoutSeconds} seconds`;
    const escalation: string = yield context.df.callActivity('EscalateClaim', { claimId, reason });
    context.df.setCustomStatus('escalated');
    return { claimId, outcome: 'timedOut', reason, escalation, greetings };
});

df.app.client.http('SubmitClaim', {
    route: 'claims',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const input = claimInput(await readJsonBody(request));
        const instanceId = await client.startNew('ClaimApproval', { input });
        return client.createCheckStatusResponse(request, instanceId);
    }),
});

df.app.client.http('ApproveClaim', {
    route: 'claims/{instanceId}/approve',
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const instanceId = request.params.instanceId;
        const decision = claimDecision(await readJsonBody(request));

        // Check first: the durable client quietly accepts events for finished instances (HTTP 410).
        const status = await client.getStatus(instanceId).catch((err: Error) => {
            if (/HTTP 404/.test(err.message)) return undefined;
            throw err;
        });
        if (status?.name !== 'ClaimApproval') {
            return { status: 404, jsonBody: { error: `No claim with instance id '${instanceId}'.` } };
        }
        if (!['Pending', 'Running', 'Suspended'].includes(status.runtimeStatus)) {
            return {
                status: 409,
                jsonBody: { error: `Claim '${instanceId}' is already ${status.runtimeStatus}.`, output: status.output },
            };
        }
        await client.raiseEvent(instanceId, EVENT_NAME, decision);
        return { status: 202, jsonBody: { id: instanceId, event: EVENT_NAME, decision } };
    }),
});
