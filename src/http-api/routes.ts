// The route table of the extension's HttpApiHandler (specs/durable-functions-protocol.md §7): literal
// segments match in any case; a known route with another method, and every unknown route, answer 404.

import type { ApiContext } from './api-context';
import type { ApiRequest } from './api-request';
import { errorBody, type ApiResponse } from './api-response';
import { listEntities, readEntity, signalEntity } from './entity-operations';
import { instanceStatusResponse, listInstancesResponse } from './instance-status';
import { changeLifecycle, purgeInstance, purgeInstances, raiseEvent, restart, rewind } from './instance-operations';
import { startOrchestration } from './start-orchestration';

export function dispatch(ctx: ApiContext, req: ApiRequest): Promise<ApiResponse> {
  const { method, segments } = req;
  const [controller = '', first, second, third] = segments;
  const is = (segment: string | undefined, literal: string) => segment?.toLowerCase() === literal.toLowerCase();
  if (segments.includes('')) return Promise.resolve(noRoute(req));
  const hubProblem = otherTaskHub(ctx, req);
  if (hubProblem) return Promise.resolve(hubProblem);

  if (is(controller, 'orchestrators') && first !== undefined && segments.length <= 3) {
    if (method === 'POST') return startOrchestration(ctx, req, first, second);
  } else if (is(controller, 'entities') && segments.length <= 3) {
    if (method === 'GET') return second === undefined ? listEntities(ctx, req, first ?? '') : readEntity(ctx, first ?? '', second);
    if (method === 'POST' || method === 'DELETE') return signalEntity(ctx, req, first ?? '', second ?? '');
  } else if (is(controller, 'instances') && segments.length <= 3) {
    if (first === undefined) {
      if (method === 'GET') return listInstancesResponse(ctx, req);
      if (method === 'DELETE') return purgeInstances(ctx, req);
    } else if (second === undefined) {
      if (method === 'GET') return instanceStatusResponse(ctx, req, first);
      if (method === 'DELETE') return purgeInstance(ctx, first);
    } else if (method === 'POST') {
      const operation = second.toLowerCase();
      if (operation === 'terminate' || operation === 'suspend' || operation === 'resume') return changeLifecycle(ctx, req, first, operation);
      if (operation === 'rewind') return rewind(ctx, req, first);
      if (operation === 'restart') return restart(ctx, req, first);
    }
  } else if (is(controller, 'instances') && segments.length === 4 && is(second, 'raiseEvent')) {
    if (method === 'POST') return raiseEvent(ctx, req, first!, third!);
  }
  return Promise.resolve(noRoute(req));
}

/** One runtime serves one task hub; a request for another must not act on this one's instances. */
function otherTaskHub(ctx: ApiContext, req: ApiRequest): ApiResponse | undefined {
  const requested = req.query.string('taskHub')?.trim();
  if (!requested || requested.toLowerCase() === ctx.hub.name.toLowerCase()) return undefined;
  return {
    status: 400,
    body: errorBody(`This runtime serves the task hub '${ctx.hub.name}', not '${requested}'; drop the taskHub parameter or send the request to the app that owns '${requested}'.`),
  };
}

function noRoute(req: ApiRequest): ApiResponse {
  const path = req.segments.map(encodeURIComponent).join('/');
  return {
    status: 404,
    body: errorBody(
      `No Durable Functions HTTP API route answers ${req.method} '${path}'. The routes are POST orchestrators/{name}[/{instanceId}], ` +
        'GET|DELETE instances/[{instanceId}], POST instances/{instanceId}/{terminate|suspend|resume|rewind|restart}, ' +
        'POST instances/{instanceId}/raiseEvent/{eventName}, GET|POST|DELETE entities/{name}[/{key}].',
    ),
  };
}
