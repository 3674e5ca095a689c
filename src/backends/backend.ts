// The one storage interface every backend implements (ARCHITECTURE.md "One Backend interface, one
// conformance suite"). A backend stores instances and their history, and keeps two queues:
//  - the instance inbox: messages to orchestrations and entities, each with a visibility time (timers);
//    messages for one instance are handed out together, under a lock, as an InstanceWorkItem;
//  - the activity queue: TaskScheduled events waiting for a worker.
// The backend knows nothing of orchestration rules: the engine (taskhub/local over core/) decides what a
// batch of messages means and hands back one InstanceCommit, which the backend applies as one unit
// (the Azure Storage backend in the DT.AS commit order: messages, history, instance row, deletes).

import type {
  ActivityTask,
  HistoryEvent,
  InstanceCommit,
  InstanceRecord,
  OutboundMessage,
  RuntimeStatus,
  TaskMessage,
} from '../core';

/** A message in an instance inbox, as handed out in a work item. */
export interface InboxMessage extends TaskMessage {
  /** Backend-specific id, unique within the inbox. */
  messageId: string;
  /** How many times this message has been handed out, this time included. */
  dequeueCount: number;
}

/**
 * All visible messages for one instance, locked to one caller until completed, abandoned or expired. Read-only: a
 * backend may hand out the objects it stores (the memory backend does, frozen), so a reader never changes them.
 */
export interface InstanceWorkItem {
  instanceId: string;
  /** Absent when nothing was ever stored for this id (a first start, a first entity signal, a stray event). */
  instance?: InstanceRecord;
  /** Committed history of the current execution, in order. */
  history: readonly HistoryEvent[];
  messages: InboxMessage[];
  /** Opaque; identifies this lock. */
  lockToken: string;
}

/** What one processed InstanceWorkItem changes (defined in core, where the engine builds it). */
export type { InstanceCommit };

/** An activity invocation handed to one caller. */
export interface ActivityWorkItemLease {
  /** Read-only, as a work item's history is. */
  task: Readonly<ActivityTask>;
  /** Backend-specific id of the queue message. */
  messageId: string;
  dequeueCount: number;
  lockToken: string;
}

/**
 * What selects instances, for queries, counts and purges. Every field narrows; absent fields do not. One rule for
 * every backend (instance-filter.ts), checked before anything is read or deleted: a value that does not parse throws
 * a RangeError naming the field, never reads as "no filter" (the HTTP API and the dashboard answer it with 400).
 */
export interface InstanceFilter {
  /** Ids that start with it, case-sensitive; '' narrows nothing (DT.AS: `string.IsNullOrEmpty`, specs/backends.md A6.3). */
  instanceIdPrefix?: string;
  /**
   * Creation-time window, both ends inclusive (A6.3: `CreatedTime ge …` and `CreatedTime le …`), compared to the
   * millisecond. ISO-8601 as core's parseIsoDateTime reads it (a date is UTC midnight, a time without a zone is UTC);
   * anything else, '' included, is refused. A window whose start is after its end matches nothing, as in DT.AS.
   */
  createdFrom?: string;
  createdTo?: string;
  /**
   * Any of these statuses. Empty narrows nothing, like absent: DT.AS adds no status term for an empty list
   * (`RuntimeStatus == null || !RuntimeStatus.Any()`), the extension's HTTP API drops an empty `runtimeStatus=`, and
   * the Scheduler's repeated `runtimeStatus` field cannot tell empty from absent (B3).
   */
  statuses?: readonly RuntimeStatus[];
  /** The orchestration (or lower-cased entity) name, exactly, case-sensitive. */
  name?: string;
  /**
   * Text the serialized custom status contains, case-sensitive (a JSON string's quotes are part of it); an instance
   * without a custom status holds '' (so '' matches every instance).
   */
  customStatusContains?: string;
}

export interface InstanceQuery extends InstanceFilter {
  /** Orchestrations only, entities only (ids starting with '@', A6.3), or both (default: orchestrations); anything else is refused. */
  kind?: 'orchestration' | 'entity' | 'all';
  /** Newest first; default oldest first. A continuation token continues in the order it was issued for. */
  descending?: boolean;
  pageSize?: number;
  continuationToken?: string;
}

/** How many instances have each status; statuses without instances are absent. */
export type StatusCounts = Partial<Record<RuntimeStatus, number>>;

export interface InstancePage {
  instances: InstanceRecord[];
  /** Absent on the last page. */
  continuationToken?: string;
}

/**
 * Only terminal instances are purged, of either kind: `statuses` defaults to the terminal ones and is narrowed to
 * them. Naming only statuses that are not terminal purges nothing (DT.AS would then drop the status term and purge
 * every status in the window: AzureTableTrackingStore.PurgeInstanceHistoryAsync).
 */
export type PurgeFilter = InstanceFilter;

export interface CreateInstanceOptions {
  /**
   * Statuses an existing instance with the same id may have and still be replaced. An existing
   * instance in any other status makes createInstance throw InstanceExistsError.
   */
  replaceableStatuses: readonly RuntimeStatus[];
}

export interface Backend {
  /** For logs: "memory", "AzureStorage(...)". */
  readonly description: string;

  /** Creates what the task hub needs (tables, queues) and starts background upkeep. Idempotent. */
  start(): Promise<void>;
  /** Stops background upkeep and gives up leases; stored data stays. */
  stop(): Promise<void>;
  /**
   * Names the present stretch of time in which this process makes every commit of the instance (it leases the
   * instance's partition), or undefined when it does not. While the name stays the same no other process has changed
   * the instance's orchestration state, so a task hub that saw it then learns of its end from its own commits and need
   * not re-read storage. Absent: the hub always re-reads.
   */
  localCommitsEpoch?(instanceId: string): number | undefined;

  // --- Client operations

  /**
   * Stores a new instance record (status Pending) and puts its ExecutionStarted message in its inbox,
   * atomically with the check against an existing instance of the same id.
   */
  createInstance(record: InstanceRecord, start: OutboundMessage, options: CreateInstanceOptions): Promise<void>;
  /** Puts messages in their target instances' inboxes. */
  sendMessages(messages: OutboundMessage[]): Promise<void>;
  getInstance(instanceId: string): Promise<InstanceRecord | undefined>;
  /** History of the current execution; empty for an unknown instance. */
  getHistory(instanceId: string): Promise<HistoryEvent[]>;
  queryInstances(query: InstanceQuery): Promise<InstancePage>;
  /** Counts the matching instances by status, without reading their payloads. */
  countInstances(query: Omit<InstanceQuery, 'descending' | 'pageSize' | 'continuationToken'>): Promise<StatusCounts>;
  /** Deletes the instance, its history and its pending inbox messages. Returns false if unknown. */
  purgeInstance(instanceId: string): Promise<boolean>;
  /** Deletes every terminal instance that matches; returns how many. */
  purgeInstances(filter: PurgeFilter): Promise<number>;

  // --- Instance (orchestration and entity) work items

  /**
   * Locks the next instance with visible inbox messages and returns it with its state and those messages;
   * `undefined` if there is none by the time `signal` aborts or the backend's poll wait ends.
   * An instance is never handed to two callers at once.
   */
  lockNextInstance(signal?: AbortSignal): Promise<InstanceWorkItem | undefined>;
  /** Applies the commit and releases the lock. Throws LockLostError if the lock expired or was taken. */
  completeInstance(item: InstanceWorkItem, commit: InstanceCommit): Promise<void>;
  /** Releases the lock; the messages become visible again after `delayMs` (default now). */
  abandonInstance(item: InstanceWorkItem, delayMs?: number): Promise<void>;

  // --- Activity work items

  lockNextActivity(signal?: AbortSignal): Promise<ActivityWorkItemLease | undefined>;
  /** Puts the result message in the orchestration's inbox and removes the activity from the queue. */
  completeActivity(lease: ActivityWorkItemLease, result: OutboundMessage): Promise<void>;
  abandonActivity(lease: ActivityWorkItemLease, delayMs?: number): Promise<void>;
}
