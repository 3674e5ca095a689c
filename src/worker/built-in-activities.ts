// Runs the built-in activities (the adapter names them, durable-functions/built-in-names.ts) in place of a user
// function. They live in the worker, not the adapter, because callHttp does I/O and the adapter is pure translation.

import type { ActivityResult, ActivityWorkItem, FailureDetails } from '../core';
import { HTTP_ACTIVITY, RETRY_TIMEOUT_EXPIRED_ACTIVITY } from '../durable-functions';
import { performDurableHttpRequest, type DurableHttpRequestJson, type HttpActivityDeps } from './http-activity';

export type BuiltInActivityDeps = HttpActivityDeps;

export async function runBuiltInActivity(item: ActivityWorkItem, deps: BuiltInActivityDeps = {}): Promise<ActivityResult> {
  const base = { instanceId: item.instanceId, taskId: item.taskId, completionToken: item.completionToken };
  const fail = (failureDetails: FailureDetails): ActivityResult => ({ ...base, failureDetails });
  let input: unknown;
  try {
    input = item.input === undefined ? undefined : JSON.parse(item.input);
  } catch {
    return fail({ errorType: 'ArgumentException', errorMessage: `The input of the built-in activity '${item.name}' is not JSON: ${item.input}` });
  }
  switch (item.name) {
    case HTTP_ACTIVITY: {
      const request = input as DurableHttpRequestJson | undefined;
      if (!request || typeof request.uri !== 'string') {
        return fail({ errorType: 'ArgumentException', errorMessage: `callHttp needs a request with a url, but got ${item.input}` });
      }
      try {
        return { ...base, result: JSON.stringify(await performDurableHttpRequest(request, deps)) };
      } catch (error) {
        // §9.6: transport failures fail the task with the message as its reason.
        return fail({ errorType: (error as Error).name || 'Error', errorMessage: (error as Error).message, stackTrace: '' });
      }
    }
    case RETRY_TIMEOUT_EXPIRED_ACTIVITY: {
      // Replays the failure that was recorded when the retry timeout ran out (specs §3.4.2).
      const { reason, details } = (input ?? {}) as { reason?: string; details?: string };
      return fail({ errorType: 'RetryTimeoutExpired', errorMessage: reason ?? 'The retry timeout expired.', stackTrace: details ?? '' });
    }
    default:
      return fail({ errorType: 'ArgumentException', errorMessage: `'${item.name}' is not a built-in activity of this runtime.` });
  }
}
