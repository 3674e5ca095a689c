// A TaskHub is what the rest of the runtime sees of durable state: client operations (start, raise,
// terminate, query, …) plus a source of work items for workers. `local/` runs the engine over a Backend;
// `grpc/` talks to a Durable Task Scheduler. Shapes follow the sidecar protocol (specs/backends.md B2).

import type {
  ActivityResult,
  EntityBatchResult,
  FailureDetails,
  HistoryEvent,
  OrchestratorResult,
  RuntimeStatus,
  WorkItem,
  WorkItemKind,
} from '../core';

export interface StartOrchestrationOptions {
  name: string;
  /** Defaults to a new 32-hex-digit id (as .NET's Guid.ToString("N")). */
  instanceId?: string;
  /** Serialized JSON. */
  input?: string;
  version?: string;
  /** ISO time; starts at once when absent or in the past. */
  scheduledStartAt?: string;
  tags?: Record<string, string>;
  /** Statuses in which an existing instance with this id is replaced (id-reuse policy). Default: the terminal ones. */
  replaceableStatuses?: readonly RuntimeStatus[];
}

/** A snapshot of one orchestration instance as clients see it. */
export interface OrchestrationState {
  instanceId: string;
  name: string;
  version?: string;
  executionId: string;
  status: RuntimeStatus;
  createdAt: string;
  lastUpdatedAt: string;
  completedAt?: string;
  input?: string;
  output?: string;
  customStatus?: string;
  failureDetails?: FailureDetails;
  parentInstanceId?: string;
  /** Present when asked for. */
  history?: HistoryEvent[];
}

export interface EntityState {
  /** Scheduler id "@name@key". */
  instanceId: string;
  name: string;
  key: string;
  /** Serialized JSON state. */
  state?: string;
  lastModifiedAt: string;
  lockedBy?: string;
  /** Requests waiting for a lock to be released. */
  backlogQueueSize: number;
}

export interface OrchestrationQuery {
  instanceIdPrefix?: string;
  createdFrom?: string;
  createdTo?: string;
  statuses?: readonly RuntimeStatus[];
  pageSize?: number;
  continuationToken?: string;
}

export interface EntityQuery {
  /** Scheduler-id prefix, e.g. "@counter@". */
  instanceIdPrefix?: string;
  lastModifiedFrom?: string;
  lastModifiedTo?: string;
  includeState?: boolean;
  pageSize?: number;
  continuationToken?: string;
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface PurgeInstancesFilter {
  createdFrom?: string;
  createdTo?: string;
  statuses?: readonly RuntimeStatus[];
}

export interface TaskHubClient {
  /** Makes the instance visible (Pending) before it resolves; returns its id. */
  startOrchestration(options: StartOrchestrationOptions): Promise<string>;
  getOrchestration(instanceId: string, options?: { includeHistory?: boolean }): Promise<OrchestrationState | undefined>;
  queryOrchestrations(query: OrchestrationQuery): Promise<Page<OrchestrationState>>;
  /** Serialized JSON input. Throws InstanceNotFoundError; a finished instance ignores it (InvalidInstanceStateError). */
  raiseEvent(instanceId: string, eventName: string, input?: string): Promise<void>;
  terminate(instanceId: string, reason?: string, options?: { recursive?: boolean }): Promise<void>;
  suspend(instanceId: string, reason?: string): Promise<void>;
  resume(instanceId: string, reason?: string): Promise<void>;
  /** Only failed instances can be rewound. */
  rewind(instanceId: string, reason?: string): Promise<void>;
  /** Starts the instance again with its original input; returns the (possibly new) instance id. */
  restart(instanceId: string, options?: { newInstanceId?: boolean }): Promise<string>;
  /** Returns how many instances were deleted (0 or 1). */
  purge(instanceId: string): Promise<number>;
  purgeBy(filter: PurgeInstancesFilter): Promise<number>;
  /** Resolves once the instance reaches a terminal status (or `undefined` on abort). */
  waitForCompletion(instanceId: string, signal?: AbortSignal): Promise<OrchestrationState | undefined>;
  signalEntity(instanceId: string, operation: string, input?: string, options?: { scheduledTime?: string }): Promise<void>;
  getEntity(instanceId: string): Promise<EntityState | undefined>;
  queryEntities(query: EntityQuery): Promise<Page<EntityState>>;
}

export interface TaskHubWorkSource {
  /**
   * Waits for the next work item of one of the given kinds; `undefined` once `signal` aborts or the hub
   * stops. The caller must complete or abandon every item it takes.
   */
  nextWorkItem(kinds: ReadonlySet<WorkItemKind>, signal?: AbortSignal): Promise<WorkItem | undefined>;
  completeOrchestratorWorkItem(result: OrchestratorResult): Promise<void>;
  completeActivityWorkItem(result: ActivityResult): Promise<void>;
  completeEntityWorkItem(result: EntityBatchResult): Promise<void>;
  /**
   * Gives a work item back; it is offered again after `retryAfterMs`, by default after a backoff that grows with
   * how often it was handed out. 0 offers it at once (its worker went away; the next one should not wait).
   */
  abandonWorkItem(item: WorkItem, reason: string, options?: { retryAfterMs?: number }): Promise<void>;
}

export interface TaskHub extends TaskHubClient, TaskHubWorkSource {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
