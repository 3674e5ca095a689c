// Errors of client operations, typed so the HTTP API can map them to the extension's status codes.

import { DurableRuntimeError } from '../core';

export { InstanceExistsError, InstanceNotFoundError } from '../backends';

/** The operation does not apply to the instance in its current status (e.g. rewind of a running instance). */
export class InvalidInstanceStateError extends DurableRuntimeError {
  constructor(readonly instanceId: string, readonly status: string, action: string) {
    super(`Cannot ${action} instance '${instanceId}' because its status is ${status}.`);
  }
}

/** The task hub cannot do this (for example an operation the remote scheduler does not implement). */
export class NotSupportedError extends DurableRuntimeError {}
