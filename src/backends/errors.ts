// Typed backend errors. Each message says what happened and what the caller can do.

import { DurableRuntimeError } from '../core';

export class BackendError extends DurableRuntimeError {}

/** The work item's lock expired or another worker took the instance; its results must not be committed. */
export class LockLostError extends BackendError {
  constructor(readonly instanceId: string, detail = 'the lock expired or another worker took over') {
    super(`Lost the lock on '${instanceId}': ${detail}. The work item was not committed and will run again.`);
  }
}

/** createInstance found an instance with this id in a status that may not be replaced. */
export class InstanceExistsError extends BackendError {
  constructor(readonly instanceId: string, readonly status: string) {
    super(`An instance with ID '${instanceId}' already exists with status ${status}; choose another instance ID or wait until it finishes.`);
  }
}

export class InstanceNotFoundError extends BackendError {
  constructor(readonly instanceId: string) {
    super(`No instance with ID '${instanceId}' was found.`);
  }
}
