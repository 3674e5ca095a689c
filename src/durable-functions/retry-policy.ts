// RetryOptions as DTFx applies them (specs/durable-functions-protocol.md §3.3, §3.4.2; DTFx RetryInterceptor).

import { OrchestratorProtocolError } from './errors';
import type { LibraryRetryOptions } from './library-state';

export interface RetryPolicy {
  firstRetryIntervalMs: number;
  maxNumberOfAttempts: number;
  /** DTFx default 1. */
  backoffCoefficient: number;
  /** DTFx default: unbounded. */
  maxRetryIntervalMs: number;
  /** DTFx default: unbounded. JS ignores it; the adapter honours it (§3.4.2). */
  retryTimeoutMs: number;
}

export function retryPolicyFrom(options: LibraryRetryOptions | undefined, functionName: string): RetryPolicy {
  const first = options?.firstRetryIntervalInMilliseconds;
  const attempts = options?.maxNumberOfAttempts;
  if (typeof first !== 'number' || !(first > 0) || typeof attempts !== 'number' || Number.isNaN(attempts)) {
    throw new OrchestratorProtocolError(
      `The retry options for '${functionName}' need firstRetryIntervalInMilliseconds > 0 and a numeric maxNumberOfAttempts, but are ${JSON.stringify(options)}; create them with new df.RetryOptions(firstRetryIntervalMs, maxNumberOfAttempts).`,
    );
  }
  return {
    firstRetryIntervalMs: first,
    maxNumberOfAttempts: attempts,
    backoffCoefficient: finiteOr(options?.backoffCoefficient, 1),
    maxRetryIntervalMs: finiteOr(options?.maxRetryIntervalInMilliseconds, Infinity),
    retryTimeoutMs: finiteOr(options?.retryTimeoutInMilliseconds, Infinity),
  };
}

/** DTFx `ComputeNextDelay`: first · coefficient^(failedAttempt − 1), capped by the max interval. */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  const delay = policy.firstRetryIntervalMs * Math.pow(policy.backoffCoefficient, failedAttempt - 1);
  return Math.min(delay, policy.maxRetryIntervalMs);
}

/** DTFx retries only while `now < firstAttempt + retryTimeout`. */
export function retryTimedOut(policy: RetryPolicy, firstAttemptAt: number, now: number): boolean {
  return now >= firstAttemptAt + policy.retryTimeoutMs;
}

function finiteOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
