// The work a TaskHub hands to a worker and the results it takes back. The shapes follow the Durable Task
// sidecar protocol (specs/backends.md B3/B4: OrchestratorRequest/Response, ActivityRequest/Response,
// EntityBatchRequest/Result), so local and remote (gRPC) task hubs serve the same worker.

import type { OrchestratorAction } from './actions';
import type { FailureDetails } from './failure';
import type { HistoryEvent, OrchestrationInstance } from './history';

export interface OrchestratorWorkItem {
  kind: 'orchestrator';
  instanceId: string;
  executionId: string;
  /** Committed history of the current execution. */
  pastEvents: HistoryEvent[];
  /** This episode's events; the first is its `orchestratorStarted`. */
  newEvents: HistoryEvent[];
  completionToken: string;
}

export interface OrchestratorResult {
  instanceId: string;
  actions: OrchestratorAction[];
  customStatus?: string;
  completionToken: string;
}

export interface ActivityWorkItem {
  kind: 'activity';
  name: string;
  version?: string;
  input?: string;
  instanceId: string;
  executionId: string;
  taskId: number;
  completionToken: string;
}

export type ActivityResult = {
  instanceId: string;
  taskId: number;
  completionToken: string;
} & ({ result?: string; failureDetails?: undefined } | { result?: undefined; failureDetails: FailureDetails });

export interface EntityOperationRequest {
  requestId: string;
  operation: string;
  input?: string;
  /** One-way signal (no caller waits for the result). */
  isSignal: boolean;
  /** For a call: the orchestration waiting for the result (the sidecar's V2 entity request carries it, B3). */
  caller?: OrchestrationInstance;
}

export interface EntityWorkItem {
  kind: 'entity';
  /** Scheduler id "@name@key". */
  instanceId: string;
  /** Serialized state; `undefined` when the entity does not exist yet. */
  entityState?: string;
  operations: EntityOperationRequest[];
  completionToken: string;
}

export type EntityOperationResult = { result?: string; failureDetails?: undefined } | { failureDetails: FailureDetails };

export type EntityAction =
  | { type: 'sendSignal'; instanceId: string; name: string; input?: string; scheduledTime?: string }
  | { type: 'startNewOrchestration'; instanceId: string; name: string; version?: string; input?: string; scheduledTime?: string };

export interface EntityBatchResult {
  instanceId: string;
  /** One per operation, in order. */
  results: EntityOperationResult[];
  actions: EntityAction[];
  /** State after the batch; `undefined` when the entity was deleted. */
  entityState?: string;
  completionToken: string;
}

export type WorkItem = OrchestratorWorkItem | ActivityWorkItem | EntityWorkItem;
export type WorkItemKind = WorkItem['kind'];
