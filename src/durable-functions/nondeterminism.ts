// Determinism checks: what the code schedules now must match what history recorded at each sequence number
// (specs/durable-functions-protocol.md §9.1; DTFx NonDeterministicOrchestrationException). Names, operations and
// instance ids compare case-insensitively, as DTFx compares them.

import type { HistoryEvent } from '../core';
import type { Slot } from './action-slots';
import { NonDeterministicOrchestrationError } from './errors';

export interface DeterminismContext {
  orchestrationName: string;
  instanceId: string;
}

export function slotMatchesEvent(slot: Slot, event: HistoryEvent): boolean {
  switch (slot.kind) {
    case 'activity':
      return event.type === 'taskScheduled' && same(event.name, slot.name);
    case 'subOrchestration':
      return (
        event.type === 'subOrchestrationInstanceCreated' &&
        same(event.name, slot.name) &&
        (slot.instanceId === undefined || same(event.instanceId, slot.instanceId))
      );
    case 'timer':
      return event.type === 'timerCreated';
    case 'entityCall':
      return event.type === 'entityOperationCalled' && same(event.targetInstanceId, slot.target) && same(event.operation, slot.operation);
    case 'entitySignal':
      return event.type === 'entityOperationSignaled' && same(event.targetInstanceId, slot.target) && same(event.operation, slot.operation);
    case 'lock':
      return event.type === 'entityLockRequested' && event.lockSet.length === slot.lockSet.length && event.lockSet.every((id, i) => same(id, slot.lockSet[i]));
    case 'unlock':
      return event.type === 'entityUnlockSent' && same(event.targetInstanceId, slot.target);
  }
}

export function mismatchError(context: DeterminismContext, id: number, recorded: HistoryEvent, now: string): NonDeterministicOrchestrationError {
  return new NonDeterministicOrchestrationError(
    `Non-Deterministic workflow detected in orchestration '${context.orchestrationName}' (instance '${context.instanceId}'): ` +
      `a previous execution of this orchestration scheduled ${describeEvent(recorded)} with sequence number ${id}, ` +
      `but the current replay ${now}. Orchestrator code must make the same calls in the same order on every replay; ` +
      'was the code changed while this instance was running?',
  );
}

export function slotMismatch(context: DeterminismContext, id: number, recorded: HistoryEvent, slot: Slot): NonDeterministicOrchestrationError {
  return mismatchError(context, id, recorded, `scheduled ${describeSlot(slot)} at that position instead`);
}

export function missingSlot(context: DeterminismContext, id: number, recorded: HistoryEvent, scheduledNow: number): NonDeterministicOrchestrationError {
  return mismatchError(context, id, recorded, `scheduled nothing at that position (it scheduled only ${scheduledNow} task(s) in total)`);
}

export function describeSlot(slot: Slot): string {
  switch (slot.kind) {
    case 'activity':
      return `an activity task named '${slot.name}'`;
    case 'subOrchestration':
      return `a sub-orchestration named '${slot.name}'${slot.instanceId ? ` with instance id '${slot.instanceId}'` : ''}`;
    case 'timer':
      return 'a durable timer';
    case 'entityCall':
      return `a call of operation '${slot.operation}' on entity '${slot.target}'`;
    case 'entitySignal':
      return `a signal of operation '${slot.operation}' to entity '${slot.target}'`;
    case 'lock':
      return `a lock on [${slot.lockSet.join(', ')}]`;
    case 'unlock':
      return `a lock release for entity '${slot.target}'`;
  }
}

export function describeEvent(event: HistoryEvent): string {
  switch (event.type) {
    case 'taskScheduled':
      return `an activity task named '${event.name}'`;
    case 'subOrchestrationInstanceCreated':
      return `a sub-orchestration named '${event.name}' with instance id '${event.instanceId}'`;
    case 'timerCreated':
      return 'a durable timer';
    case 'entityOperationCalled':
      return `a call of operation '${event.operation}' on entity '${event.targetInstanceId}'`;
    case 'entityOperationSignaled':
      return `a signal of operation '${event.operation}' to entity '${event.targetInstanceId}'`;
    case 'entityLockRequested':
      return `a lock on [${event.lockSet.join(', ')}]`;
    case 'entityUnlockSent':
      return `a lock release for entity '${event.targetInstanceId}'`;
    default:
      return `a '${event.type}' event`;
  }
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
