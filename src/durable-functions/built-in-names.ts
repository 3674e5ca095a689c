// Activities the runtime runs itself instead of a user function (.NET's `BuiltIn::` namespace).

/** callHttp's activity (specs/durable-functions-protocol.md §3.3 action 8, §9.6). */
export const HTTP_ACTIVITY = 'BuiltIn::HttpActivity';

/** Fails at once with a recorded failure: stands in for retry attempts after `retryTimeoutInMilliseconds` (§3.4.2). */
export const RETRY_TIMEOUT_EXPIRED_ACTIVITY = 'BuiltIn::RetryTimeoutExpired';

export function isBuiltInActivity(name: string): boolean {
  return name.startsWith('BuiltIn::');
}
