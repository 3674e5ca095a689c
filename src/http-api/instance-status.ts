// GET instances/{id} and GET instances/ (specs/durable-functions-protocol.md §7; [ext] HttpApiHandler
// HandleGetStatusRequestAsync).

import type { ApiContext } from './api-context';
import type { ApiRequest } from './api-request';
import { errorBody, type ApiResponse } from './api-response';
import { CONTINUATION_HEADER, decodeContinuationToken, encodeContinuationToken } from './continuation-token';
import { toStatusPayload } from './status-payload';

/** The extension's page size when the caller gives no `top` ([ext] OrchestrationStatusQueryCondition). */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Running, Pending, ContinuedAsNew and Suspended answer 202 with `Location` (this request) and
 * `Retry-After: 5`; Completed, Terminated and Canceled 200; Failed 200, or 500 with
 * `returnInternalServerErrorOnFailure=true`.
 */
export async function instanceStatusResponse(
  ctx: ApiContext,
  req: ApiRequest,
  instanceId: string,
  override?: { returnInternalServerErrorOnFailure: boolean },
): Promise<ApiResponse> {
  const showHistory = req.query.boolean('showHistory', false);
  const showHistoryOutput = req.query.boolean('showHistoryOutput', false);
  const showInput = req.query.boolean('showInput', true);
  const failAs500 = override?.returnInternalServerErrorOnFailure ?? req.query.boolean('returnInternalServerErrorOnFailure', false);

  const state = await ctx.hub.getOrchestration(instanceId, { includeHistory: showHistory });
  if (!state) return { status: 404, body: errorBody(`No instance with ID '${instanceId}' was found.`) };

  const body = toStatusPayload(state, { showInput, history: showHistory ? { showHistoryOutput } : undefined });
  switch (state.status) {
    case 'Running':
    case 'Pending':
    case 'ContinuedAsNew':
    case 'Suspended':
      return { status: 202, headers: { Location: req.url, 'Retry-After': '5' }, body };
    case 'Failed':
      return { status: failAs500 ? 500 : 200, body };
    default:
      return { status: 200, body };
  }
}

/** Filters `instanceIdPrefix`, `createdTimeFrom`/`To`, `runtimeStatus`, `showInput`, `top`; pages by continuation header. */
export async function listInstancesResponse(ctx: ApiContext, req: ApiRequest): Promise<ApiResponse> {
  const showInput = req.query.boolean('showInput', true);
  const page = await ctx.hub.queryOrchestrations({
    instanceIdPrefix: req.query.string('instanceIdPrefix'),
    createdFrom: req.query.date('createdTimeFrom'),
    createdTo: req.query.date('createdTimeTo'),
    statuses: req.query.statuses('runtimeStatus'),
    pageSize: req.query.pageSize('top') ?? DEFAULT_PAGE_SIZE,
    continuationToken: decodeContinuationToken(req.headers[CONTINUATION_HEADER]),
  });
  return {
    status: 200,
    headers: { [CONTINUATION_HEADER]: encodeContinuationToken(page.continuationToken) },
    body: page.items.map((state) => toStatusPayload(state, { showInput })),
  };
}
