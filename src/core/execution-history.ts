// Facts the engine reads off one execution's history: its start, which scheduled work already has its answer,
// which sub-orchestrations are still running, which entity locks it holds.

import { inboundEvent, type EntityUnlockSentEvent, type ExecutionStartedEvent, type HistoryEvent } from './history';
import type { OutboundMessage } from './messages';

export function executionStartedEvent(history: readonly HistoryEvent[]): ExecutionStartedEvent | undefined {
  return history.find((event): event is ExecutionStartedEvent => event.type === 'executionStarted');
}

/**
 * Identifies what a response answers, so a second copy of it can be recognised. Delivery is at least once
 * (specs/backends.md A8.5: a crash after sending can repeat an activity), so duplicates do reach the inbox.
 */
export function responseKey(event: HistoryEvent): string | undefined {
  switch (event.type) {
    case 'taskCompleted':
    case 'taskFailed':
    case 'subOrchestrationInstanceCompleted':
    case 'subOrchestrationInstanceFailed':
      return `task:${event.taskScheduledId}`;
    case 'timerFired':
      return `timer:${event.timerId}`;
    case 'entityOperationCompleted':
    case 'entityOperationFailed':
      return `request:${event.requestId}`;
    case 'entityLockGranted':
      return `lock:${event.criticalSectionId}`;
    default:
      return undefined;
  }
}

/** The key under which the answer to a scheduled event arrives: the responseKey of its answer. */
export function requestKey(event: HistoryEvent): string | undefined {
  switch (event.type) {
    case 'taskScheduled':
    case 'subOrchestrationInstanceCreated':
      return `task:${event.eventId}`;
    case 'timerCreated':
      return `timer:${event.eventId}`;
    case 'entityOperationCalled':
      return `request:${event.requestId}`;
    case 'entityLockRequested':
      return `lock:${event.criticalSectionId}`;
    default:
      return undefined;
  }
}

/**
 * The history as clients see it: up to the orchestratorCompleted that closes the execution's end. A Failed instance
 * keeps later answers for a rewind (orchestration-inbox.ts); they are bookkeeping, absent from the extension's view.
 */
export function clientVisibleHistory(history: readonly HistoryEvent[]): HistoryEvent[] {
  const end = history.findIndex((event) => event.type === 'executionCompleted');
  if (end < 0) return [...history];
  const closing = history.findIndex((event, index) => index > end && event.type === 'orchestratorCompleted');
  return history.slice(0, closing < 0 ? history.length : closing + 1);
}

export function answeredResponses(history: readonly HistoryEvent[]): Set<string> {
  const keys = new Set<string>();
  for (const event of history) {
    const key = responseKey(event);
    if (key) keys.add(key);
  }
  return keys;
}

/** Instance ids of sub-orchestrations this execution created that have not reported back. */
export function runningSubOrchestrations(history: readonly HistoryEvent[]): string[] {
  const finished = new Set<number>();
  for (const event of history) {
    if (event.type === 'subOrchestrationInstanceCompleted' || event.type === 'subOrchestrationInstanceFailed') {
      finished.add(event.taskScheduledId);
    }
  }
  return history.flatMap((event) =>
    event.type === 'subOrchestrationInstanceCreated' && !finished.has(event.eventId) ? [event.instanceId] : [],
  );
}

/**
 * The unlock messages that release every entity lock this execution holds: the lock sets whose grant arrived,
 * minus the entities it already unlocked (specs/durable-functions-protocol.md §3.2, §4.3 "Release").
 */
export function releaseHeldLocks(instanceId: string, history: readonly HistoryEvent[], timestamp: string): OutboundMessage[] {
  const granted = new Set<string>();
  const unlocked = new Set<string>();
  for (const event of history) {
    if (event.type === 'entityLockGranted') granted.add(event.criticalSectionId);
    if (event.type === 'entityUnlockSent') unlocked.add(unlockKey(event));
  }
  const unlocks: OutboundMessage[] = [];
  for (const event of history) {
    if (event.type !== 'entityLockRequested' || !granted.has(event.criticalSectionId)) continue;
    for (const entity of event.lockSet) {
      if (!unlocked.has(unlockKey({ criticalSectionId: event.criticalSectionId, targetInstanceId: entity }))) {
        unlocks.push(unlockMessage(instanceId, event.criticalSectionId, entity, timestamp));
      }
    }
  }
  return unlocks;
}

/** The message that hands one entity's lock, held by `instanceId` under a critical section, back to the entity. */
export function unlockMessage(instanceId: string, criticalSectionId: string, entity: string, timestamp: string): OutboundMessage {
  return { instanceId: entity, event: inboundEvent({ type: 'entityUnlockSent', criticalSectionId, parentInstanceId: instanceId, targetInstanceId: entity }, timestamp) };
}

/** The lock set an execution asked for under a critical section id, if it did. */
export function requestedLockSet(history: readonly HistoryEvent[], criticalSectionId: string): string[] | undefined {
  for (const event of history) {
    if (event.type === 'entityLockRequested' && event.criticalSectionId === criticalSectionId) return event.lockSet;
  }
  return undefined;
}

function unlockKey(event: Pick<EntityUnlockSentEvent, 'criticalSectionId' | 'targetInstanceId'>): string {
  return `${event.criticalSectionId}\u0000${event.targetInstanceId}`;
}
