// Errors of the local task hub's work source.

import { DurableRuntimeError } from '../../core';

/** A completion token the hub does not hold: already completed or abandoned, or handed out before a restart. */
export class WorkItemNotHeldError extends DurableRuntimeError {
  constructor(readonly kind: string, readonly instanceId: string, readonly completionToken: string) {
    super(
      `The task hub holds no ${kind} work item with completion token '${completionToken}' (instance '${instanceId}'): it was ` +
        `already completed or abandoned, or the hub stopped since. Its messages are delivered again; drop this result.`,
    );
  }
}
