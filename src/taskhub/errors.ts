// Errors of client operations, typed so the HTTP API can map them to the extension's status codes.

import { DurableRuntimeError } from '../core';

export { InstanceExistsError, InstanceNotFoundError } from '../backends';

/** The operation does not apply to the instance in its current status (e.g. rewind of a running instance). */
export class InvalidInstanceStateError extends DurableRuntimeError {
  constructor(readonly instanceId: string, readonly status: string, action: string) {
    super(`Cannot ${action} instance '${instanceId}' because its status is ${status}.`);
  }
}

/**
 * The instance has not finished, but the operation does not apply to its status: suspending a Suspended instance,
 * resuming one that is not suspended. The extension's client throws (the HTTP API's 500) and logs the message.
 */
export class OperationNotApplicableError extends Error {
  constructor(readonly instanceId: string, readonly status: string, readonly action: string) {
    super(`Cannot ${action} orchestration instance in the ${status} state.`);
    this.name = 'OperationNotApplicableError';
  }
}

/** The task hub cannot do this (for example an operation the remote scheduler does not implement). */
export class NotSupportedError extends DurableRuntimeError {}
