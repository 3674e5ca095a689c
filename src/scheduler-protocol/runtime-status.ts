// specs/backends.md B3 `OrchestrationStatus`: RUNNING=0 … SUSPENDED=7, the same numbering as core's RUNTIME_STATUSES.

import { runtimeStatusFromNumber, runtimeStatusToNumber, type RuntimeStatus } from '../core';
import type { pb } from './proto';

export function toProtoStatus(status: RuntimeStatus): pb.OrchestrationStatus {
  return runtimeStatusToNumber(status) as pb.OrchestrationStatus;
}

/** Throws a RangeError naming the number for a status this protocol version does not define. */
export function fromProtoStatus(status: pb.OrchestrationStatus): RuntimeStatus {
  return runtimeStatusFromNumber(status);
}
