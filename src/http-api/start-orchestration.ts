// POST orchestrators/{functionName}/{instanceId?}[?version=&timeout=&pollingInterval=]
// (specs/durable-functions-protocol.md §6.2 startNew, §7). The task hub makes the instance visible as
// Pending before it resolves, so the status link in the answer works at once.

import type { ApiContext } from './api-context';
import { jsonInput, type ApiRequest } from './api-request';
import type { ApiResponse } from './api-response';
import { waitOrCheckStatus, waitRequest } from './check-status';
import { badRequest, HttpApiError } from './errors';
import { instanceIdProblem } from '../core';
import { InstanceExistsError } from '../taskhub';

export async function startOrchestration(ctx: ApiContext, req: ApiRequest, functionName: string, instanceId: string | undefined): Promise<ApiResponse> {
  if (ctx.orchestratorExists && !ctx.orchestratorExists(functionName)) {
    throw badRequest(`The function '${functionName}' doesn't exist, is disabled, or is not an orchestrator function; check the name against the app's orchestrators.`);
  }
  const idProblem = instanceId === undefined ? undefined : instanceIdProblem(instanceId);
  if (idProblem) throw badRequest(idProblem);
  const wait = waitRequest(req);
  const input = jsonInput(await req.body(), (reason) => `Invalid JSON content: ${reason}. The body must be the orchestration input as JSON, or empty.`);

  let id: string;
  try {
    id = await ctx.hub.startOrchestration({ name: functionName, instanceId, input, version: req.query.string('version') });
  } catch (error) {
    if (error instanceof InstanceExistsError) throw new HttpApiError(409, error.message);
    throw error;
  }
  return waitOrCheckStatus(ctx, req, id, wait);
}
