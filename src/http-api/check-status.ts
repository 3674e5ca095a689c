// The async HTTP 202 pattern and the `timeout`/`pollingInterval` wait of `orchestrators/...` and
// `instances/{id}/restart` (specs/durable-functions-protocol.md §7; [ext] HttpApiHandler
// CreateCheckStatusResponseMessage, WaitForCompletionOrCreateCheckStatusResponseAsync).

import { isTerminal } from '../core';
import type { ApiContext } from './api-context';
import type { ApiRequest } from './api-request';
import type { ApiResponse } from './api-response';
import { instanceStatusResponse } from './instance-status';
import { checkStatusPayload } from './management-urls';
import { parseStoredJson } from './stored-json';

/** 202 with the management links, `Location: statusQueryGetUri` and `Retry-After: 10`. */
export function checkStatusResponse(ctx: ApiContext, req: ApiRequest, instanceId: string): ApiResponse {
  const body = checkStatusPayload(req.linkOrigin, ctx.webhook, instanceId);
  return { status: 202, headers: { Location: body.statusQueryGetUri, 'Retry-After': '10' }, body };
}

/** Reads `timeout` and `pollingInterval` (seconds) up front, so a bad value is refused before anything starts. */
export function waitRequest(req: ApiRequest): { timeoutMs: number } | undefined {
  const timeoutMs = req.query.seconds('timeout');
  const pollingMs = req.query.seconds('pollingInterval');
  // Both must be given for a wait ([ext]); the hub signals completion, so the interval only enables it.
  return timeoutMs !== undefined && pollingMs !== undefined ? { timeoutMs } : undefined;
}

/**
 * Without a wait: the 202 check-status answer. With one: waits up to the timeout; Completed answers 200
 * with the output, Failed/Canceled/Terminated answer with the status payload, anything else with the 202.
 */
export async function waitOrCheckStatus(
  ctx: ApiContext,
  req: ApiRequest,
  instanceId: string,
  wait: { timeoutMs: number } | undefined,
): Promise<ApiResponse> {
  if (!wait) return checkStatusResponse(ctx, req, instanceId);
  const state = await waitForTerminal(ctx, instanceId, wait.timeoutMs, req.signal);
  switch (state?.status) {
    case 'Completed':
      return { status: 200, body: parseStoredJson(state.output) };
    case 'Failed':
    case 'Canceled':
    case 'Terminated':
      return instanceStatusResponse(ctx, req, instanceId, { returnInternalServerErrorOnFailure: false });
    default:
      return checkStatusResponse(ctx, req, instanceId);
  }
}

async function waitForTerminal(ctx: ApiContext, instanceId: string, timeoutMs: number, callerGone: AbortSignal) {
  const current = await ctx.hub.getOrchestration(instanceId);
  if (!current || isTerminal(current.status) || timeoutMs === 0) return current;
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), callerGone]);
  return (await ctx.hub.waitForCompletion(instanceId, signal)) ?? current;
}
