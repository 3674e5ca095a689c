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
  /** Those requests, oldest first, when the hub can tell (optional: a remote hub may know only the count). */
  backlog?: QueuedEntityRequest[];
}

/** A request waiting in an entity's queue until the orchestration holding its lock releases it. */
export interface QueuedEntityRequest {
  /** An operation (signal or call), or a critical section's lock request or release. */
  kind: 'operation' | 'lock' | 'unlock';
  /** The operation name; for a lock request, undefined. */
  operation?: string;
  /** The orchestration that called or locks; undefined for a client signal. */
  from?: string;
  /** When it was sent. */
  sentAt: string;
}

/** Selects orchestrations. Every field narrows; absent fields do not. */
export interface OrchestrationFilter {
  instanceIdPrefix?: string;
  /** Both ends inclusive. */
  createdFrom?: string;
  createdTo?: string;
  statuses?: readonly RuntimeStatus[];
  /** Optional (the dashboard): the orchestrator name, exactly. */
  name?: string;
  /** Optional (the dashboard): text the serialized custom status contains, case-sensitive. */
  customStatusContains?: string;
}

export interface OrchestrationQuery extends OrchestrationFilter {
  /** Optional (the dashboard): newest first; default oldest first. A token continues in the order it was issued for. */
  descending?: boolean;
  pageSize?: number;
  continuationToken?: string;
}

/** How many orchestrations have each status; statuses without any are absent. */
export type StatusCounts = Partial<Record<RuntimeStatus, number>>;

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

/** What cleanEntityStorage does, as the Durable extension's CleanEntityStorageRequest (specs/backends.md B2). */
export interface CleanEntityStorageRequest {
  /** Removes entities with no state, no lock held and nothing queued. */
  removeEmptyEntities: boolean;
  /** Releases locks held by orchestrations that no longer exist or have finished, so queued requests run. */
  releaseOrphanedLocks: boolean;
  /** Continues where the previous call's page ended. */
  continuationToken?: string;
}

export interface CleanEntityStorageResult {
  emptyEntitiesRemoved: number;
  orphanedLocksReleased: number;
  /** Absent once every entity was looked at; otherwise pass it back for the next page. */
  continuationToken?: string;
}

/** Only finished instances are purged; `statuses` defaults to, and is narrowed to, the terminal ones. */
export type PurgeInstancesFilter = OrchestrationFilter;

export interface TaskHubClient {
  /** Makes the instance visible (Pending) before it resolves; returns its id. */
  startOrchestration(options: StartOrchestrationOptions): Promise<string>;
  getOrchestration(instanceId: string, options?: { includeHistory?: boolean }): Promise<OrchestrationState | undefined>;
  queryOrchestrations(query: OrchestrationQuery): Promise<Page<OrchestrationState>>;
  /** Optional: false when the hub lists in its own order and refuses `descending` (the Scheduler); absent means it can. */
  readonly ordersByCreation?: boolean;
  /** Optional (the dashboard's status counts): counts the matching orchestrations by status, server-side. */
  countOrchestrations?(filter: OrchestrationFilter): Promise<StatusCounts>;
  /** Serialized JSON input. Throws InstanceNotFoundError; a finished instance ignores it (InvalidInstanceStateError). */
  raiseEvent(instanceId: string, eventName: string, input?: string): Promise<void>;
  terminate(instanceId: string, reason?: string, options?: { recursive?: boolean }): Promise<void>;
  /** Throws InvalidInstanceStateError for a finished instance, OperationNotApplicableError for a Suspended one. */
  suspend(instanceId: string, reason?: string): Promise<void>;
  /** Throws InvalidInstanceStateError for a finished instance, OperationNotApplicableError unless it is Suspended. */
  resume(instanceId: string, reason?: string): Promise<void>;
  /** Only failed instances can be rewound. */
  rewind(instanceId: string, reason?: string): Promise<void>;
  /** Starts the instance again with its original input; returns the (possibly new) instance id. */
  restart(instanceId: string, options?: { newInstanceId?: boolean }): Promise<string>;
  /** Returns how many instances were deleted (0 or 1). An entity id ("@name@key") purges the entity, whatever it is doing. */
  purge(instanceId: string): Promise<number>;
  purgeBy(filter: PurgeInstancesFilter): Promise<number>;
  /** Resolves once the instance reaches a terminal status (or `undefined` on abort). */
  waitForCompletion(instanceId: string, signal?: AbortSignal): Promise<OrchestrationState | undefined>;
  signalEntity(instanceId: string, operation: string, input?: string, options?: { scheduledTime?: string }): Promise<void>;
  getEntity(instanceId: string): Promise<EntityState | undefined>;
  queryEntities(query: EntityQuery): Promise<Page<EntityState>>;
  /** Cleans one page of entities; call again with the returned continuation token until there is none. */
  cleanEntityStorage(request: CleanEntityStorageRequest): Promise<CleanEntityStorageResult>;
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
