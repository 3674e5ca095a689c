// Function-level retry policies (`retry: { strategy: 'fixedDelay' | 'exponentialBackoff', ... }`) for the
// invocations the host starts itself: timers and the admin API. The library sends them as retryOptions (specs/functions-host.md §4).

import type { RpcRetryContext, RpcRetryOptions } from './core-api-types';

export interface RetryPolicy {
  /** -1 retries forever, as on the platform. */
  readonly maxRetryCount: number;
  delayMs(retry: number): number;
}

export function retryPolicyOf(options: RpcRetryOptions | undefined): RetryPolicy | undefined {
  if (!options) return undefined;
  const strategy = String(options.retryStrategy ?? options.strategy ?? '').replace(/_/g, '').toLowerCase();
  const maxRetryCount = Number(options.maxRetryCount ?? 0);
  const ms = (duration: RpcRetryOptions['delayInterval']) => Number(duration?.seconds ?? 0) * 1000 + Math.floor(Number(duration?.nanos ?? 0) / 1e6);
  if (strategy === 'fixeddelay') return { maxRetryCount, delayMs: () => ms(options.delayInterval) };
  if (strategy === 'exponentialbackoff') {
    const min = ms(options.minimumInterval);
    const max = Math.max(min, ms(options.maximumInterval));
    return { maxRetryCount, delayMs: (retry) => Math.min(max, min * 2 ** (retry - 1)) };
  }
  return undefined;
}

/**
 * Runs `attempt` until it succeeds or the policy gives up; each retry gets a retryContext with the count and the last
 * error. `wait` resolves false when the host is stopping, which ends the retries with the last error.
 */
export async function runWithRetries<T>(
  attempt: (retryContext: RpcRetryContext | undefined) => Promise<T>,
  policy: RetryPolicy | undefined,
  wait: (ms: number) => Promise<boolean>,
): Promise<T> {
  let retryContext: RpcRetryContext | undefined;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retryContext);
    } catch (error) {
      const exhausted = !policy || (policy.maxRetryCount >= 0 && retry >= policy.maxRetryCount);
      if (exhausted || !(await wait(policy.delayMs(retry + 1)))) throw error;
      const failure = error as { message?: unknown; stack?: unknown; name?: unknown };
      retryContext = {
        retryCount: retry + 1,
        maxRetryCount: policy.maxRetryCount,
        exception: { message: String(failure?.message ?? error), source: String(failure?.name ?? 'Error'), stackTrace: String(failure?.stack ?? '') },
      };
    }
  }
}
