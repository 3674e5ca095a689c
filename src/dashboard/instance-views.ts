// How the dashboard shows task-hub state: list rows without payloads, the instance detail with its history,
// timeline, children and the actions its status allows, and entities.

import type { FailureDetails, HistoryEvent, RuntimeStatus } from '../core';
import type { EntityState, OrchestrationState } from '../taskhub';
import { timelineOf } from './timeline';
import type { Action, ChildLink, EntityDetail, EntitySummary, FailureView, InstanceDetail, InstanceSummary } from './web/api-types';

export function instanceSummary(state: OrchestrationState): InstanceSummary {
  return {
    instanceId: state.instanceId,
    name: state.name,
    status: state.status,
    createdAt: state.createdAt,
    lastUpdatedAt: state.lastUpdatedAt,
    completedAt: state.completedAt,
    customStatus: state.customStatus,
    parentInstanceId: state.parentInstanceId,
    failure: state.failureDetails?.errorMessage,
  };
}

export function instanceDetail(state: OrchestrationState): InstanceDetail {
  const history = state.history ?? [];
  return {
    instanceId: state.instanceId,
    name: state.name,
    version: state.version,
    executionId: state.executionId,
    status: state.status,
    createdAt: state.createdAt,
    lastUpdatedAt: state.lastUpdatedAt,
    completedAt: state.completedAt,
    input: state.input,
    output: state.output,
    customStatus: state.customStatus,
    failure: state.failureDetails && failureView(state.failureDetails),
    parentInstanceId: state.parentInstanceId,
    children: childrenOf(history),
    history: history.map((event) => ({ ...event })),
    timeline: timelineOf(history, state.status),
    actions: actionsFor(state.status),
  };
}

export function childrenOf(history: readonly HistoryEvent[]): ChildLink[] {
  return history.flatMap((event) => (event.type === 'subOrchestrationInstanceCreated' ? [{ instanceId: event.instanceId, name: event.name, eventId: event.eventId }] : []));
}

/** Which actions the task hub accepts in each status (specs/durable-functions-protocol.md §7). */
export function actionsFor(status: RuntimeStatus): Action[] {
  switch (status) {
    case 'Pending':
    case 'Running':
    case 'ContinuedAsNew':
      return ['raise-event', 'suspend', 'terminate'];
    case 'Suspended':
      return ['raise-event', 'resume', 'terminate'];
    case 'Failed':
      return ['rewind', 'restart', 'purge'];
    case 'Completed':
    case 'Terminated':
    case 'Canceled':
      return ['restart', 'purge'];
  }
}

function failureView(failure: FailureDetails): FailureView {
  return {
    errorType: failure.errorType,
    errorMessage: failure.errorMessage,
    stackTrace: failure.stackTrace,
    innerFailure: failure.innerFailure && failureView(failure.innerFailure),
    isNonRetriable: failure.isNonRetriable,
  };
}

export function entitySummary(entity: EntityState): EntitySummary {
  return {
    instanceId: entity.instanceId,
    name: entity.name,
    key: entity.key,
    lastModifiedAt: entity.lastModifiedAt,
    lockedBy: entity.lockedBy,
    backlogQueueSize: entity.backlogQueueSize,
  };
}

export function entityDetail(entity: EntityState): EntityDetail {
  return { ...entitySummary(entity), state: entity.state, backlog: entity.backlog };
}
