// What is stored about one instance, orchestration or entity, besides its history.

import type { FailureDetails } from './failure';
import type { EntityRequestEvent } from './history';
import type { RuntimeStatus } from './status';

export interface InstanceRecord {
  instanceId: string;
  /** Orchestrator function name; for entities the lower-cased entity name. */
  name: string;
  version?: string;
  /** Changes with every new execution (start, continue-as-new, restart with the same id). */
  executionId: string;
  status: RuntimeStatus;
  createdAt: string;
  lastUpdatedAt: string;
  completedAt?: string;
  scheduledStartAt?: string;
  /** Serialized JSON, as in history. */
  input?: string;
  output?: string;
  customStatus?: string;
  failureDetails?: FailureDetails;
  parentInstanceId?: string;
  tags?: Record<string, string>;
  /** Only for entity instances ("@name@key"): the entity scheduler's persisted state. */
  entity?: EntitySchedulerState;
}

/** The persisted state of one entity (specs/durable-functions-protocol.md §4.2–4.4). */
export interface EntitySchedulerState {
  /** Serialized entity state; `undefined` when the entity does not exist (never set, or deleted). */
  state?: string;
  /** Requests that wait because another orchestration holds this entity's lock, oldest first. */
  queue: EntityRequestEvent[];
  /** The orchestration instance that holds the lock, if any. */
  lockedBy?: string;
  /** The critical section (lock request id) the lock belongs to. */
  criticalSectionId?: string;
}
