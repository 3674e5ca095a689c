// Errors the dashboard's API answers with, and how the task hub's errors map to status codes: the page shows
// the message, so every message says what was wrong and what to do.

import { errorMessage } from '../core';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, NotSupportedError } from '../taskhub';

export class DashboardRequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'DashboardRequestError';
  }
}

export const badRequest = (message: string) => new DashboardRequestError(400, message);
export const notFound = (message: string) => new DashboardRequestError(404, message);

/** Network failures of the storage behind the hub: the hub cannot answer now, but may later. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', 'UNAVAILABLE']);

export function statusAndMessage(error: unknown): { status: number; message: string } {
  if (error instanceof DashboardRequestError) return { status: error.status, message: error.message };
  if (error instanceof InstanceNotFoundError) return { status: 404, message: errorMessage(error) };
  if (error instanceof InvalidInstanceStateError || error instanceof InstanceExistsError) return { status: 409, message: errorMessage(error) };
  if (error instanceof NotSupportedError) return { status: 501, message: errorMessage(error) };
  // The task hub's argument checks (instance ids, continuation tokens, times) throw RangeError with the reason.
  if (error instanceof RangeError) return { status: 400, message: errorMessage(error) };
  if (isUnreachable(error)) {
    return { status: 503, message: `The task hub's storage did not answer (${errorMessage(error)}). Check that it is running; the page retries on refresh.` };
  }
  return { status: 500, message: `The dashboard failed: ${errorMessage(error)}. The runtime's log has the details.` };
}

function isUnreachable(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown; name?: unknown; unreachable?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.unreachable === true) return true; // the Scheduler's SchedulerConnectionError
    if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
    if (e.name === 'AggregateError' && Array.isArray((e as { errors?: unknown[] }).errors)) return (e as { errors: unknown[] }).errors.some(isUnreachable);
  }
  return false;
}
