// What ending an execution means, whether the orchestrator completed it or the engine terminated it: the
// executionCompleted event, the final record, the parent's notification and the release of held entity locks.

import { executionStartedEvent, releaseHeldLocks } from './execution-history';
import type { FailureDetails } from './failure';
import { inboundEvent, type ExecutionCompletedEvent, type HistoryEvent } from './history';
import type { InstanceRecord } from './instance';
import type { OutboundMessage } from './messages';

export interface ExecutionEnd {
  status: 'Completed' | 'Failed' | 'Terminated';
  /** Serialized output; for Terminated the reason, as the extension stores it. */
  result?: string;
  failureDetails?: FailureDetails;
  /** The completing action's id, or -1 when the engine ends the execution (terminate). */
  eventId: number;
}

export interface EndedExecution {
  event: ExecutionCompletedEvent;
  record: InstanceRecord;
  messages: OutboundMessage[];
}

/** `history` is the whole execution so far, including this step's events. */
export function endExecution(record: InstanceRecord, history: readonly HistoryEvent[], end: ExecutionEnd, timestamp: string): EndedExecution {
  const event: ExecutionCompletedEvent = {
    type: 'executionCompleted',
    eventId: end.eventId,
    timestamp,
    orchestrationStatus: end.status,
    result: end.result,
    failureDetails: end.failureDetails,
  };
  const ended: InstanceRecord = {
    ...record,
    status: end.status,
    output: end.result,
    failureDetails: end.failureDetails,
    completedAt: timestamp,
    lastUpdatedAt: timestamp,
  };
  const messages: OutboundMessage[] = [];
  const parentNotice = notifyParent(record.instanceId, history, end, timestamp);
  if (parentNotice) messages.push(parentNotice);
  // specs/durable-functions-protocol.md §3.2, §9.12: locks die with the execution that holds them.
  messages.push(...releaseHeldLocks(record.instanceId, history, timestamp));
  return { event, record: ended, messages };
}

/** A sub-orchestration reports to the parent execution that created it (specs/backends.md B4 step 5). */
function notifyParent(instanceId: string, history: readonly HistoryEvent[], end: ExecutionEnd, timestamp: string): OutboundMessage | undefined {
  const parent = executionStartedEvent(history)?.parentInstance;
  if (!parent) return undefined;
  const target = { instanceId: parent.instanceId, executionId: parent.executionId || undefined };
  if (end.status === 'Completed') {
    return {
      ...target,
      event: inboundEvent({ type: 'subOrchestrationInstanceCompleted', taskScheduledId: parent.taskScheduledId, result: end.result }, timestamp),
    };
  }
  return subOrchestrationFailed(parent, end.failureDetails ?? describeEnd(instanceId, end), timestamp);
}

/** Tells a parent execution that the sub-orchestration it created under `taskScheduledId` failed. */
export function subOrchestrationFailed(
  parent: { instanceId: string; executionId?: string; taskScheduledId: number },
  failureDetails: FailureDetails,
  timestamp: string,
): OutboundMessage {
  return {
    instanceId: parent.instanceId,
    executionId: parent.executionId || undefined,
    event: inboundEvent({ type: 'subOrchestrationInstanceFailed', taskScheduledId: parent.taskScheduledId, failureDetails }, timestamp),
  };
}

function describeEnd(instanceId: string, end: ExecutionEnd): FailureDetails {
  if (end.status === 'Terminated') {
    const reason = end.result ? `: ${end.result}` : '';
    return { errorType: 'OrchestrationTerminated', errorMessage: `Sub-orchestration '${instanceId}' was terminated${reason}` };
  }
  return { errorType: 'OrchestrationFailed', errorMessage: end.result ?? `Sub-orchestration '${instanceId}' failed` };
}
