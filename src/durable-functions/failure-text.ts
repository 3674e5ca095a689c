// The failure texts users see, worded as the .NET extension words them (specs/durable-functions-protocol.md §3.2, §5.2).

import type { FailureDetails } from '../core';
import { isBuiltInActivity } from './built-in-names';

/** The output of a failed orchestration (§3.2, §7). */
export function orchestratorFailureMessage(name: string, error: string): string {
  return `Orchestrator function '${name}' failed: ${error}`;
}

/**
 * `TaskFailed.Reason` (§5.2). Built-in activities fail with the final text already (an HTTP transport error,
 * or a replayed retry failure), so it is passed through.
 */
export function activityFailureReason(activityName: string, failure: FailureDetails): string {
  return isBuiltInActivity(activityName) ? failure.errorMessage : `Activity function '${activityName}' failed: ${failure.errorMessage}`;
}

/** `SubOrchestrationInstanceFailed.Reason`, as .NET sets it (§5.2). */
export function subOrchestrationFailureReason(orchestratorName: string, failure: FailureDetails): string {
  return orchestratorFailureMessage(orchestratorName, failure.errorMessage);
}

/**
 * `Details` must be a string or the library cannot parse the failure (§5.2 rule 3). .NET sends a serialized
 * exception; we send the same shape with the message and stack. Built-in failures carry their details as is.
 */
export function failureDetailsText(taskName: string, failure: FailureDetails): string {
  if (isBuiltInActivity(taskName)) return failure.stackTrace ?? '';
  const exception: Record<string, string> = { $type: 'System.Exception', Message: failure.errorMessage };
  if (failure.stackTrace) exception.StackTraceString = failure.stackTrace;
  return JSON.stringify(exception);
}
