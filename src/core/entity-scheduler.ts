// The entity scheduler (specs/durable-functions-protocol.md §4.3–4.4): each entity keeps a FIFO queue of requests.
// Unlocked, requests run in arrival order; operations run in batches of bounded size. Locked by an
// orchestration's critical section, only that orchestration's requests run (they jump the queue) and the others
// wait. A lock request takes the lock and passes the request on to the next entity of its lock set, or tells the
// orchestration that it holds them all; an unlock from the holder frees the entity.

import { isoTime } from './clock';
import type { EngineContext } from './engine-context';
import { parseSchedulerId, toSchedulerId } from './entity-id';
import {
  inboundEvent,
  type EntityLockRequestedEvent,
  type EntityRequestEvent,
  type HistoryEvent,
} from './history';
import type { EntityBatch, EntityOperationEvent, InboxBatch, InboxDecision } from './inbox-decision';
import type { InstanceCommit } from './instance-commit';
import type { EntitySchedulerState, InstanceRecord } from './instance';
import type { OutboundMessage } from './messages';
import type { EntityAction, EntityBatchResult, EntityOperationResult } from './work-items';

/**
 * An entity with runnable requests left after a full batch wakes itself with this event, as the Durable
 * extension's entity scheduler does (DT.Core EntityMessageEventNames "continue").
 */
export const ENTITY_CONTINUE_EVENT = 'continue';

export function processEntityInbox(batch: InboxBatch, context: EngineContext): InboxDecision {
  const timestamp = isoTime(context.now);
  const requests: EntityRequestEvent[] = [];
  for (const { event } of batch.messages) {
    if (isEntityRequest(event)) requests.push(event);
    else if (!isContinue(event)) context.logger.warn(`Discarded ${event.type} for entity '${batch.instanceId}': entities only receive operation, lock and unlock requests.`);
  }
  const record = batch.instance ?? (requests.length > 0 ? newEntityRecord(batch, timestamp, context) : undefined);
  if (!record) return { kind: 'commit', commit: { instance: null, history: { append: [] }, messages: [], activities: [] } };

  const state: EntitySchedulerState = { ...record.entity, queue: [...(record.entity?.queue ?? []), ...requests] };
  const { operations, messages } = schedule(batch.instanceId, state, timestamp, context);
  const scheduled: InstanceRecord = { ...record, entity: state, lastUpdatedAt: timestamp };
  if (operations.length === 0) {
    return { kind: 'commit', commit: { instance: scheduled, history: { append: [] }, messages, activities: [] } };
  }
  return { kind: 'entity', batch: { instanceId: batch.instanceId, record: scheduled, requests: operations, messages } };
}

/** Takes runnable requests off the queue (mutating `state`) until the batch is full or the rest must wait. */
function schedule(instanceId: string, state: EntitySchedulerState, timestamp: string, context: EngineContext) {
  const operations: EntityOperationEvent[] = [];
  const messages: OutboundMessage[] = [];
  while (operations.length < context.maxEntityBatchSize) {
    const index = nextRunnable(state);
    if (index < 0) break;
    const [request] = state.queue.splice(index, 1);
    switch (request.type) {
      case 'entityOperationSignaled':
      case 'entityOperationCalled':
        operations.push(request);
        break;
      case 'entityLockRequested':
        state.lockedBy = request.parentInstanceId;
        state.criticalSectionId = request.criticalSectionId;
        messages.push(passLockOn(request, timestamp));
        break;
      case 'entityUnlockSent':
        if (state.lockedBy === request.parentInstanceId) {
          state.lockedBy = undefined;
          state.criticalSectionId = undefined;
        } else {
          context.logger.debug(`Entity '${instanceId}' ignored an unlock from '${request.parentInstanceId}', which does not hold its lock.`);
        }
        break;
    }
  }
  if (nextRunnable(state) >= 0) {
    messages.push({ instanceId, event: inboundEvent({ type: 'eventRaised', name: ENTITY_CONTINUE_EVENT }, timestamp) });
  }
  return { operations, messages };
}

/** The queue position of the next request that may run: the oldest, or while locked the holder's oldest. */
function nextRunnable(state: EntitySchedulerState): number {
  if (state.lockedBy === undefined) return state.queue.length > 0 ? 0 : -1;
  return state.queue.findIndex((request) => request.type !== 'entityOperationSignaled' && request.parentInstanceId === state.lockedBy);
}

/** Locks are taken in lock-set order: forward to the next entity, or tell the orchestration it holds them all. */
function passLockOn(request: EntityLockRequestedEvent, timestamp: string): OutboundMessage {
  const { eventId: _eventId, timestamp: _timestamp, ...body } = request;
  const next = request.position + 1;
  if (next < request.lockSet.length) {
    return { instanceId: request.lockSet[next], event: inboundEvent({ ...body, position: next }, timestamp) };
  }
  return {
    instanceId: request.parentInstanceId,
    event: inboundEvent({ type: 'entityLockGranted', criticalSectionId: request.criticalSectionId }, timestamp),
  };
}

/**
 * After the batch ran: store the state (undefined = deleted), answer each call at the caller's execution, deliver
 * the signals the operations sent and start the orchestrations they asked for.
 */
export function applyEntityBatchResult(batch: EntityBatch, result: EntityBatchResult, context: EngineContext): InstanceCommit {
  const timestamp = isoTime(context.now);
  const messages = [...batch.messages];
  if (result.results.length !== batch.requests.length) {
    context.logger.warn(`Entity '${batch.instanceId}' returned ${result.results.length} results for ${batch.requests.length} operations.`);
  }
  batch.requests.forEach((request, index) => {
    if (request.type !== 'entityOperationCalled') return;
    const outcome = result.results[index] ?? missingResult(result, batch, index);
    const event = outcome.failureDetails
      ? inboundEvent({ type: 'entityOperationFailed', requestId: request.requestId, failureDetails: outcome.failureDetails }, timestamp)
      : inboundEvent({ type: 'entityOperationCompleted', requestId: request.requestId, output: outcome.result }, timestamp);
    messages.push({ instanceId: request.parentInstanceId, executionId: request.parentExecutionId || undefined, event });
  });
  for (const action of result.actions) {
    const message = actionMessage(batch.instanceId, action, timestamp, context);
    if (message) messages.push(message);
  }
  const entity: EntitySchedulerState = { ...(batch.record.entity ?? { queue: [] }), state: result.entityState };
  return { instance: { ...batch.record, entity, lastUpdatedAt: timestamp }, history: { append: [] }, messages, activities: [] };
}

function actionMessage(instanceId: string, action: EntityAction, timestamp: string, context: EngineContext): OutboundMessage | undefined {
  const visibleAt = action.scheduledTime ? Date.parse(action.scheduledTime) : undefined;
  if (action.type === 'startNewOrchestration') {
    const target = action.instanceId || context.newId();
    const start = inboundEvent(
      {
        type: 'executionStarted',
        name: action.name,
        version: action.version,
        input: action.input,
        orchestrationInstance: { instanceId: target, executionId: context.newId() },
        scheduledStartTimestamp: action.scheduledTime,
      },
      timestamp,
    );
    return { instanceId: target, event: start, visibleAt };
  }
  // Operations name their targets with the user's casing (§4.2); scheduler ids lower-case the name.
  let target: string;
  try {
    target = toSchedulerId(parseSchedulerId(action.instanceId));
  } catch {
    context.logger.warn(`Entity '${instanceId}' signalled '${action.instanceId}', which is not an entity ID ("@<name>@<key>"); the signal was dropped.`);
    return undefined;
  }
  const signal = inboundEvent(
    {
      type: 'entityOperationSignaled',
      requestId: context.newId(),
      operation: action.name,
      input: action.input,
      scheduledTime: action.scheduledTime,
      targetInstanceId: target,
    },
    timestamp,
  );
  return { instanceId: target, event: signal, visibleAt };
}

function missingResult(result: EntityBatchResult, batch: EntityBatch, index: number): EntityOperationResult {
  const errorMessage =
    `The entity function returned ${result.results.length} results for a batch of ${batch.requests.length} operations, ` +
    `so operation '${batch.requests[index].operation}' has none (did an operation call context.df.return twice?).`;
  return { failureDetails: { errorType: 'EntityResultMissing', errorMessage } };
}

function newEntityRecord(batch: InboxBatch, timestamp: string, context: EngineContext): InstanceRecord | undefined {
  let name: string;
  try {
    name = parseSchedulerId(batch.instanceId).name;
  } catch (error) {
    context.logger.warn(`Discarded ${batch.messages.length} message(s): ${(error as Error).message}.`);
    return undefined;
  }
  return {
    instanceId: batch.instanceId,
    name,
    executionId: context.newId(),
    status: 'Running',
    createdAt: timestamp,
    lastUpdatedAt: timestamp,
    entity: { queue: [] },
  };
}

function isEntityRequest(event: HistoryEvent): event is EntityRequestEvent {
  return (
    event.type === 'entityOperationSignaled' ||
    event.type === 'entityOperationCalled' ||
    event.type === 'entityLockRequested' ||
    event.type === 'entityUnlockSent'
  );
}

function isContinue(event: HistoryEvent): boolean {
  return event.type === 'eventRaised' && event.name === ENTITY_CONTINUE_EVENT;
}
