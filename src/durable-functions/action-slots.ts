// The library's cumulative action list flattened into id slots: one slot per sequence number the library allocates
// statically, in allocation order (specs/durable-functions-protocol.md §3.4.1).

import { toSchedulerId } from '../core';
import { HTTP_ACTIVITY } from './built-in-names';
import { OrchestratorProtocolError } from './errors';
import { decodeProcessedInput, encodePayload } from './json-payload';
import { ActionType, type LibraryAction } from './library-state';
import { retryPolicyFrom, type RetryPolicy } from './retry-policy';

export type Slot =
  | { kind: 'activity'; name: string; input?: string; retry?: RetryPolicy }
  | { kind: 'subOrchestration'; name: string; instanceId?: string; version?: string; input?: string; retry?: RetryPolicy }
  | { kind: 'timer'; fireAt: string }
  | { kind: 'entityCall'; target: string; operation: string; input?: string }
  | { kind: 'entitySignal'; target: string; operation: string; input?: string }
  | { kind: 'lock'; criticalSectionId: string; lockSet: string[] }
  | { kind: 'unlock'; criticalSectionId: string; target: string };

export type RetrySlot = Extract<Slot, { kind: 'activity' | 'subOrchestration' }> & { retry: RetryPolicy };

export interface FlattenedActions {
  slots: Slot[];
  /** Set when the list holds a ContinueAsNew; nothing after it is allocated (§3.4.1). */
  continueAsNew?: { input?: string };
}

export function flattenActions(actions: readonly LibraryAction[]): FlattenedActions {
  const result: FlattenedActions = { slots: [] };
  let lock: Extract<Slot, { kind: 'lock' }> | undefined;
  const visit = (action: LibraryAction): void => {
    const read = new ActionReader(action);
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        // §3.3 footnote: the library JSON-encoded string inputs once more; the activity receives the value.
        result.slots.push({
          kind: 'activity',
          name: read.string('functionName'),
          input: read.payload(decodeProcessedInput(action.input)),
          ...read.retry(ActionType.CallActivityWithRetry),
        });
        return;
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        result.slots.push({
          kind: 'subOrchestration',
          name: read.string('functionName'),
          instanceId: action.instanceId || undefined,
          version: action.version || undefined,
          input: read.payload(action.input),
          ...read.retry(ActionType.CallSubOrchestratorWithRetry),
        });
        return;
      case ActionType.CreateTimer:
        result.slots.push({ kind: 'timer', fireAt: read.fireAt() });
        return;
      case ActionType.CallHttp:
        // §3.3 action 8: the request runs as .NET's built-in HTTP activity; its input is the request JSON.
        result.slots.push({ kind: 'activity', name: HTTP_ACTIVITY, input: read.payload(action.httpRequest) });
        return;
      case ActionType.CallEntity:
      case ActionType.SignalEntity:
        result.slots.push({
          kind: action.actionType === ActionType.CallEntity ? 'entityCall' : 'entitySignal',
          target: read.string('instanceId'),
          operation: read.string('operation'),
          input: read.payload(action.input),
        });
        return;
      case ActionType.LockEntities:
        // §4.4: the library sorted and de-duplicated the set by scheduler id; we address entities by scheduler id.
        lock = { kind: 'lock', criticalSectionId: read.string('lockRequestId'), lockSet: (action.lockSet ?? []).map(toSchedulerId) };
        result.slots.push(lock);
        return;
      case ActionType.ReleaseEntities: {
        // §3.4.1: a release consumes one id per entity of the current lock set.
        if (!lock) {
          throw new OrchestratorProtocolError('The orchestrator released a lock it never acquired; yield the task of context.df.lock(…) before releasing it.');
        }
        const { criticalSectionId, lockSet } = lock;
        for (const target of lockSet) result.slots.push({ kind: 'unlock', criticalSectionId, target });
        return;
      }
      case ActionType.ContinueAsNew:
        result.continueAsNew = { input: read.payload(decodeProcessedInput(action.input)) };
        return;
      case ActionType.WhenAll:
      case ActionType.WhenAny:
        for (const child of action.compoundActions ?? []) visit(child);
        return;
      case ActionType.WaitForExternalEvent:
        return;
      default:
        throw new OrchestratorProtocolError(
          `The orchestrator returned an action of unknown type ${JSON.stringify(action.actionType)}; this runtime speaks the protocol of durable-functions 3.x.`,
        );
    }
  };
  for (const action of actions) {
    if (result.continueAsNew) break;
    visit(action);
  }
  return result;
}

export function isRetrySlot(slot: Slot | undefined): slot is RetrySlot {
  return (slot?.kind === 'activity' || slot?.kind === 'subOrchestration') && slot.retry !== undefined;
}

/** Fire-and-forget slots still go out when the episode completes or fails the orchestration (§3.2, §9.11). */
export function isFireAndForget(slot: Slot): boolean {
  return slot.kind === 'entitySignal' || slot.kind === 'unlock';
}

/** Reads one action's fields, failing with a message that names the action when one is missing or unusable. */
class ActionReader {
  constructor(private readonly action: LibraryAction) {}

  private get label(): string {
    return `'${this.action.functionName ?? this.action.operation ?? `action type ${this.action.actionType}`}'`;
  }

  string(field: 'functionName' | 'instanceId' | 'operation' | 'lockRequestId'): string {
    const value = this.action[field];
    if (typeof value !== 'string' || value === '') throw new OrchestratorProtocolError(`The orchestrator returned ${this.label} without its ${field}.`);
    return value;
  }

  payload(value: unknown): string | undefined {
    try {
      return encodePayload(value);
    } catch (error) {
      throw new OrchestratorProtocolError(`The input of ${this.label} cannot be serialized to JSON: ${(error as Error).message}.`);
    }
  }

  retry(withRetry: number): { retry?: RetryPolicy } {
    return this.action.actionType === withRetry ? { retry: retryPolicyFrom(this.action.retryOptions, String(this.action.functionName)) } : {};
  }

  fireAt(): string {
    const time = this.action.fireAt === undefined ? NaN : new Date(this.action.fireAt).getTime();
    if (Number.isNaN(time)) throw new OrchestratorProtocolError(`The orchestrator created a timer without a valid fireAt (${String(this.action.fireAt)}); pass a Date to createTimer.`);
    return new Date(time).toISOString();
  }
}
