// The dashboard's data API (/api/v1 under the dashboard path): the JSON shapes the server sends and the page
// reads. Types only, shared by both sides; payloads stay the serialized JSON strings the task hub stores.

export type RuntimeStatusName = 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Pending' | 'Suspended';

export type Action = 'raise-event' | 'suspend' | 'resume' | 'terminate' | 'restart' | 'rewind' | 'purge';

/** GET hub */
export interface HubInfo {
  hubName: string;
  /** What stores the hub, e.g. "memory" or "AzureStorage". */
  backend: string;
  /** The app's orchestrator functions, for "start new". */
  orchestrators: string[];
  statuses: RuntimeStatusName[];
  /** Whether counts per status are available (every local backend; a remote hub may not count). */
  counts: boolean;
  /** Whether the list can be ordered newest or oldest first (not on the Scheduler, which has its own order). */
  ordersByCreation: boolean;
}

export interface ErrorBody {
  error: string;
}

export interface FailureView {
  errorType: string;
  errorMessage: string;
  stackTrace?: string;
  innerFailure?: FailureView;
  isNonRetriable?: boolean;
}

/** One row of the list: no payloads. */
export interface InstanceSummary {
  instanceId: string;
  name: string;
  status: RuntimeStatusName;
  createdAt: string;
  lastUpdatedAt: string;
  completedAt?: string;
  customStatus?: string;
  parentInstanceId?: string;
  /** The failure's message, when Failed. */
  failure?: string;
}

/** GET orchestrations */
export interface InstanceList {
  items: InstanceSummary[];
  continuationToken?: string;
}

/** GET orchestrations/counts */
export interface StatusCountsView {
  counts: Partial<Record<RuntimeStatusName, number>>;
  total: number;
}

/** One event of the history as stored: the protocol's fields, payloads as JSON text. */
export interface HistoryEventView {
  type: string;
  eventId: number;
  timestamp: string;
  [field: string]: unknown;
}

export type TimelineKind = 'episode' | 'activity' | 'subOrchestration' | 'timer' | 'event' | 'wait';

/** One bar of the Gantt chart; `end` absent while it runs. */
export interface TimelineBar {
  kind: TimelineKind;
  label: string;
  start: string;
  end?: string;
  outcome: 'completed' | 'failed' | 'running';
  /** Rows: bars of one name share a lane (retries show as gaps), overlapping ones get the next lane of the name. */
  lane: number;
  /** The scheduling event's id, to find it in the history table. */
  eventId?: number;
  /** For sub-orchestrations: the child's instance id. */
  instanceId?: string;
  detail?: string;
}

export interface ChildLink {
  instanceId: string;
  name: string;
  /** The event id of its subOrchestrationInstanceCreated event. */
  eventId: number;
}

/** GET orchestrations/{id} */
export interface InstanceDetail {
  instanceId: string;
  name: string;
  version?: string;
  executionId: string;
  status: RuntimeStatusName;
  createdAt: string;
  lastUpdatedAt: string;
  completedAt?: string;
  input?: string;
  output?: string;
  customStatus?: string;
  failure?: FailureView;
  parentInstanceId?: string;
  children: ChildLink[];
  history: HistoryEventView[];
  timeline: TimelineBar[];
  /** What the instance's status allows. */
  actions: Action[];
}

export interface TreeNode {
  instanceId: string;
  name?: string;
  status?: RuntimeStatusName;
  createdAt?: string;
  completedAt?: string;
  /** The parent names it, but it is gone (purged). */
  missing?: boolean;
  children: TreeNode[];
}

/** GET orchestrations/{id}/tree: from the root ancestor down. */
export interface InstanceTree {
  root: TreeNode;
  /** Only this many nodes are walked; more were left out. */
  truncated: boolean;
}

export interface EntitySummary {
  instanceId: string;
  name: string;
  key: string;
  lastModifiedAt: string;
  lockedBy?: string;
  backlogQueueSize: number;
}

/** GET entities */
export interface EntityList {
  items: EntitySummary[];
  continuationToken?: string;
}

export interface QueuedRequestView {
  kind: 'operation' | 'lock' | 'unlock';
  operation?: string;
  from?: string;
  sentAt: string;
}

/** GET entities/{id} */
export interface EntityDetail extends EntitySummary {
  state?: string;
  backlog?: QueuedRequestView[];
}

/** POST results: what happened, in a sentence, and the instance it concerns. */
export interface ActionResult {
  message: string;
  instanceId?: string;
  purged?: number;
}
