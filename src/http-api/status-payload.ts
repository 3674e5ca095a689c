// The extension's StatusResponsePayload (specs/durable-functions-protocol.md §7 "Status payload").

import type { RuntimeStatus } from '../core';
import type { OrchestrationState } from '../taskhub';
import { toHistoryEvents, type HistoryEventPayload } from './history-events';
import { formatStatusTime, parseStoredJson } from './stored-json';

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  /** The extension's key. */
  historyEvents?: HistoryEventPayload[];
  /** The same events under the key durable-functions reads (Azure/azure-functions-durable-js#620, §6.2). */
  history?: HistoryEventPayload[];
}

export interface StatusPayloadOptions {
  showInput: boolean;
  /** Renders the instance's history when set and the state carries it. */
  history?: { showHistoryOutput: boolean };
}

export function toStatusPayload(state: OrchestrationState, options: StatusPayloadOptions): StatusPayload {
  const payload: StatusPayload = {
    name: state.name,
    instanceId: state.instanceId,
    runtimeStatus: state.status,
    input: options.showInput ? parseStoredJson(state.input) : null,
    customStatus: parseStoredJson(state.customStatus),
    output: parseStoredJson(state.output ?? failedOutput(state)),
    createdTime: formatStatusTime(state.createdAt),
    lastUpdatedTime: formatStatusTime(state.lastUpdatedAt),
  };
  // .NET reads no history for Pending instances ([ext] GetDurableOrchestrationStatusAsync).
  if (options.history && state.history && state.status !== 'Pending') {
    const events = toHistoryEvents(state.history, options.history);
    payload.historyEvents = events;
    payload.history = events;
  }
  return payload;
}

/** A failed instance's output names the orchestrator and the error (§7), also where a hub keeps only failure details. */
function failedOutput(state: OrchestrationState): string | undefined {
  if (state.status !== 'Failed' || !state.failureDetails) return undefined;
  return `Orchestrator function '${state.name}' failed: ${state.failureDetails.errorMessage}`;
}
