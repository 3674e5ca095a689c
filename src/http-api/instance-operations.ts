// POST/DELETE on instances/ (specs/durable-functions-protocol.md §7; [ext] HttpApiHandler): the status
// checks run first so callers get the extension's 404/410/412 instead of whatever the task hub says.

import { isEntityInstanceId, isoTime, isRuntimeStatus, isTerminal } from '../core';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, NotSupportedError } from '../taskhub';
import type { ApiContext } from './api-context';
import { isJsonContentType, jsonInput, type ApiRequest } from './api-request';
import { errorBody, type ApiResponse } from './api-response';
import { waitOrCheckStatus, waitRequest } from './check-status';
import { badRequest, HttpApiError } from './errors';

const notFound = (instanceId: string): ApiResponse => ({ status: 404, body: errorBody(`No instance with ID '${instanceId}' was found.`) });
const gone = (instanceId: string, status: string, action: string): ApiResponse => ({
  status: 410,
  body: errorBody(`Instance '${instanceId}' is ${status}; a finished instance cannot be ${action}.`),
});

/**
 * DELETE instances/{id}: 404 unknown, 412 while it runs, else 200 `{instancesDeleted}`. An entity id ("@name@key")
 * purges the entity, whatever it is doing; 404 when it does not exist.
 */
export async function purgeInstance(ctx: ApiContext, instanceId: string): Promise<ApiResponse> {
  if (isEntityInstanceId(instanceId)) {
    const deleted = await ctx.hub.purge(instanceId);
    return deleted > 0 ? { status: 200, body: { instancesDeleted: deleted } } : notFound(instanceId);
  }
  const state = await ctx.hub.getOrchestration(instanceId);
  if (!state) return notFound(instanceId);
  if (!isTerminal(state.status)) {
    throw new HttpApiError(
      412,
      `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${state.status}`,
      'string',
    );
  }
  return { status: 200, body: { instancesDeleted: await ctx.hub.purge(instanceId) } };
}

/** DELETE instances/: `createdTimeFrom` is required, `createdTimeTo` defaults to now; 404 when nothing was deleted. */
export async function purgeInstances(ctx: ApiContext, req: ApiRequest): Promise<ApiResponse> {
  const createdFrom = req.query.date('createdTimeFrom');
  if (createdFrom === undefined) throw new HttpApiError(400, "Please provide value for 'createdTimeFrom' parameter.", 'string');
  const deleted = await ctx.hub.purgeBy({
    createdFrom,
    createdTo: req.query.date('createdTimeTo') ?? isoTime(ctx.clock.now()),
    statuses: req.query.statuses('runtimeStatus'),
  });
  if (deleted === 0) return { status: 404, body: errorBody('No finished instances matched the filter; nothing was purged.') };
  return { status: 200, body: { instancesDeleted: deleted } };
}

export type LifecycleOperation = 'terminate' | 'suspend' | 'resume';

/**
 * POST instances/{id}/terminate|suspend|resume?reason=: 404 unknown, 410 finished, else 202. Suspending a Suspended
 * instance or resuming one that is not suspended fails in the task hub (OperationNotApplicableError), which the
 * extension answers with its catch-all 500.
 */
export async function changeLifecycle(ctx: ApiContext, req: ApiRequest, instanceId: string, operation: LifecycleOperation): Promise<ApiResponse> {
  const state = await ctx.hub.getOrchestration(instanceId);
  if (!state) return notFound(instanceId);
  const pastTense = { terminate: 'terminated', suspend: 'suspended', resume: 'resumed' }[operation];
  if (isTerminal(state.status)) return gone(instanceId, state.status, pastTense);
  const reason = req.query.string('reason');
  try {
    await ctx.hub[operation](instanceId, reason);
  } catch (error) {
    // It finished between the two reads.
    if (error instanceof InvalidInstanceStateError && finished(error.status)) return gone(instanceId, error.status, pastTense);
    throw error;
  }
  return { status: 202 };
}

/**
 * POST instances/{id}/rewind?reason=: 404 unknown, 412 unless Failed, 501 when the hub cannot rewind.
 * The messages are bare JSON strings: durable-functions shows the body itself as the error (§6.2).
 */
export async function rewind(ctx: ApiContext, req: ApiRequest, instanceId: string): Promise<ApiResponse> {
  const state = await ctx.hub.getOrchestration(instanceId);
  if (!state) throw new HttpApiError(404, `No orchestration with instance ID '${instanceId}' found.`, 'string');
  const notFailed = (status: string) =>
    new HttpApiError(412, `This orchestration has status ${status}, but only orchestrations in the "Failed" state can be rewound.`, 'string');
  if (state.status !== 'Failed') throw notFailed(state.status);
  try {
    await ctx.hub.rewind(instanceId, req.query.string('reason'));
  } catch (error) {
    if (error instanceof InvalidInstanceStateError) throw notFailed(error.status);
    if (error instanceof NotSupportedError) throw new HttpApiError(501, `Rewind is not supported by this task hub: ${error.message}`, 'string');
    throw error;
  }
  return { status: 202 };
}

/** POST instances/{id}/restart?restartWithNewInstanceId=true|false (default true), with the optional wait. */
export async function restart(ctx: ApiContext, req: ApiRequest, instanceId: string): Promise<ApiResponse> {
  const wait = waitRequest(req);
  const newInstanceId = req.query.boolean('restartWithNewInstanceId', true);
  let restartedId: string;
  try {
    restartedId = await ctx.hub.restart(instanceId, { newInstanceId });
  } catch (error) {
    // The extension answers 400 for an unknown instance here (an ArgumentException), not 404.
    if (error instanceof InstanceNotFoundError) throw badRequest(`InstanceId '${instanceId}' does not match a valid orchestration instance.`);
    if (error instanceof InstanceExistsError) {
      throw new HttpApiError(409, `A non-terminal instance with ID '${instanceId}' already exists; wait until it finishes or restart with a new instance ID.`);
    }
    throw error;
  }
  return waitOrCheckStatus(ctx, req, restartedId, wait);
}

/** POST instances/{id}/raiseEvent/{eventName}: 404 unknown, 410 finished, 400 unless JSON, else 202. */
export async function raiseEvent(ctx: ApiContext, req: ApiRequest, instanceId: string, eventName: string): Promise<ApiResponse> {
  const state = await ctx.hub.getOrchestration(instanceId);
  if (!state) return notFound(instanceId);
  if (isTerminal(state.status)) return gone(instanceId, state.status, 'sent events');
  if (!isJsonContentType(req.headers['content-type'])) {
    throw badRequest('Only application/json request content is supported; send the event data as JSON with Content-Type: application/json.');
  }
  const input = jsonInput(await req.body(), (reason) => `Invalid JSON content: ${reason}`);
  try {
    await ctx.hub.raiseEvent(instanceId, eventName, input);
  } catch (error) {
    if (error instanceof InvalidInstanceStateError) return gone(instanceId, error.status, 'sent events');
    throw error;
  }
  return { status: 202 };
}

function finished(status: string): boolean {
  return isRuntimeStatus(status) && isTerminal(status);
}
