// Slots and dynamic requests turned into our core OrchestratorActions with the ids the library expects
// (specs/durable-functions-protocol.md §3.3, §3.4, §4.3–4.4).

import { randomUUID } from 'node:crypto';
import type { OrchestratorAction } from '../core';
import type { Slot } from './action-slots';
import { RETRY_TIMEOUT_EXPIRED_ACTIVITY } from './built-in-names';
import { OrchestratorProtocolError } from './errors';
import { retryDelayMs, retryTimedOut } from './retry-policy';
import type { DynamicRequest } from './retry-chains';

export interface ActionContext {
  instanceId: string;
  executionId: string;
  /** The parent of this orchestration, when it is a sub-orchestration. */
  parentInstanceId?: string;
  /** Epoch ms of this episode's orchestratorStarted. */
  episodeTime: number;
  /** Request ids of entity calls; recorded in history by the action, so replays read them back. */
  newRequestId?: () => string;
}

export function slotAction(slot: Slot, id: number, context: ActionContext): OrchestratorAction {
  switch (slot.kind) {
    case 'activity':
      return { type: 'scheduleTask', id, name: slot.name, input: slot.input };
    case 'subOrchestration':
      return subOrchestrationAction(slot, id, context);
    case 'timer':
      // §8 option (a): every timer is one id with its final fire time.
      return { type: 'createTimer', id, fireAt: slot.fireAt };
    case 'entityCall':
      return {
        type: 'sendEntityMessage',
        id,
        message: {
          type: 'entityOperationCalled',
          requestId: (context.newRequestId ?? randomUUID)(),
          operation: slot.operation,
          input: slot.input,
          parentInstanceId: context.instanceId,
          parentExecutionId: context.executionId,
          targetInstanceId: slot.target,
        },
      };
    case 'entitySignal':
      return {
        type: 'sendEntityMessage',
        id,
        message: {
          type: 'entityOperationSignaled',
          requestId: (context.newRequestId ?? randomUUID)(),
          operation: slot.operation,
          input: slot.input,
          targetInstanceId: slot.target,
        },
      };
    case 'lock':
      // §4.4: the request goes to the first entity of the sorted set; the scheduler forwards it along the set.
      return {
        type: 'sendEntityMessage',
        id,
        message: {
          type: 'entityLockRequested',
          criticalSectionId: slot.criticalSectionId,
          lockSet: slot.lockSet,
          position: 0,
          parentInstanceId: context.instanceId,
        },
      };
    case 'unlock':
      return {
        type: 'sendEntityMessage',
        id,
        message: { type: 'entityUnlockSent', criticalSectionId: slot.criticalSectionId, parentInstanceId: context.instanceId, targetInstanceId: slot.target },
      };
  }
}

/**
 * §3.4.2: after every failed attempt a timer (DTFx backoff; `now` once the retry timeout has passed), and after
 * the timer the next attempt. Past the timeout the attempts JS still waits for are a built-in activity that fails
 * at once with the last failure, so the task ends with that failure as soon as the attempts are used up.
 */
export function dynamicAction(request: DynamicRequest, id: number, context: ActionContext): OrchestratorAction {
  const { chain } = request;
  const failure = chain.lastFailure;
  const timedOut = failure !== undefined && retryTimedOut(chain.slot.retry, chain.startedAt, failure.at);
  if (request.kind === 'retryTimer') {
    const delay = timedOut ? 0 : retryDelayMs(chain.slot.retry, chain.attempt - 1);
    return { type: 'createTimer', id, fireAt: new Date(context.episodeTime + delay).toISOString() };
  }
  if (timedOut) {
    return { type: 'scheduleTask', id, name: RETRY_TIMEOUT_EXPIRED_ACTIVITY, input: JSON.stringify({ reason: failure.reason, details: failure.details }) };
  }
  return chain.slot.kind === 'activity'
    ? { type: 'scheduleTask', id, name: chain.slot.name, input: chain.slot.input }
    : subOrchestrationAction(chain.slot, id, context);
}

function subOrchestrationAction(slot: Extract<Slot, { kind: 'subOrchestration' }>, id: number, context: ActionContext): OrchestratorAction {
  // §3.3 action 2: without an instance id, DTFx names the child "<parent execution id>:<event id>".
  const instanceId = slot.instanceId ?? `${context.executionId}:${id}`;
  // .NET rejects ids that would address an entity, the orchestration itself or its parent.
  if (instanceId.startsWith('@')) {
    throw new OrchestratorProtocolError(`The sub-orchestration instance id '${instanceId}' starts with '@', which is reserved for entities; choose another id.`);
  }
  if (instanceId === context.instanceId || instanceId === context.parentInstanceId) {
    throw new OrchestratorProtocolError(`The sub-orchestration instance id '${instanceId}' is the id of this orchestration or of its parent; choose another id.`);
  }
  return { type: 'createSubOrchestration', id, instanceId, name: slot.name, version: slot.version, input: slot.input };
}
