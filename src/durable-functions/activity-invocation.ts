// Activities: the trigger value the handler receives and its outcome as an ActivityResult
// (specs/durable-functions-protocol.md §5).

import { failureFromError, type ActivityResult, type ActivityWorkItem, type FailureDetails } from '../core';
import { decodePayload } from './json-payload';

/** §5.1: the decoded input, as the worker's `tryJsonParse` leaves it (`undefined` when there is none). */
export function activityTriggerInput(item: ActivityWorkItem): unknown {
  return decodePayload(item.input);
}

/** §5.1: the result is the return value's JSON; a value JSON cannot represent fails the activity with the reason. */
export function activityResult(item: ActivityWorkItem, outcome: { value: unknown } | { error: unknown }): ActivityResult {
  const base = { instanceId: item.instanceId, taskId: item.taskId, completionToken: item.completionToken };
  if ('error' in outcome) return { ...base, failureDetails: activityFailure(outcome.error) };
  try {
    return { ...base, result: outcome.value === undefined ? undefined : JSON.stringify(outcome.value) };
  } catch (error) {
    return { ...base, failureDetails: { errorType: 'TypeError', errorMessage: `The activity's return value cannot be serialized to JSON: ${(error as Error).message}` } };
  }
}

/**
 * The thrown error's message, as the orchestrator will see it after "Activity function '<name>' failed: ". With an
 * ExceptionPropertiesProvider registered the library rethrows with a JSON message (§5.3); we unpack it so the
 * failure keeps its type and properties.
 */
function activityFailure(error: unknown): FailureDetails {
  const details = failureFromError(error);
  const provided = providerPayload(details.errorMessage);
  return provided ?? details;
}

function providerPayload(message: string): FailureDetails | undefined {
  if (!message.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  const payload = value as Partial<Record<'errorType' | 'errorMessage' | 'stackTrace', unknown>> & { isNonRetriable?: unknown; properties?: unknown };
  if (typeof payload !== 'object' || payload === null || typeof payload.errorType !== 'string' || typeof payload.errorMessage !== 'string') return undefined;
  return {
    errorType: payload.errorType,
    errorMessage: payload.errorMessage,
    ...(typeof payload.stackTrace === 'string' && { stackTrace: payload.stackTrace }),
    isNonRetriable: payload.isNonRetriable === true,
    properties: typeof payload.properties === 'object' && payload.properties !== null ? (payload.properties as Record<string, unknown>) : {},
  };
}
