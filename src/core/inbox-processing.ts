// The engine's first step for one instance: given its record, its history and a batch of inbox messages,
// decide what happens. Either the engine commits the outcome itself (no user code needed, possibly keeping
// messages that must wait for the execution to start), or it asks a worker to run an orchestrator episode or an
// entity batch.

import type { EngineContext } from './engine-context';
import { isEntityInstanceId } from './entity-id';
import { processEntityInbox } from './entity-scheduler';
import type { EntityBatch, InboxBatch, InboxDecision, OrchestrationEpisode } from './inbox-decision';
import { processOrchestrationInbox } from './orchestration-inbox';
import type { EntityWorkItem, OrchestratorWorkItem } from './work-items';

export function processInbox(batch: InboxBatch, context: EngineContext): InboxDecision {
  return isEntityInstanceId(batch.instanceId) ? processEntityInbox(batch, context) : processOrchestrationInbox(batch, context);
}

export function orchestratorWorkItem(episode: OrchestrationEpisode, completionToken: string): OrchestratorWorkItem {
  return {
    kind: 'orchestrator',
    instanceId: episode.instanceId,
    executionId: episode.executionId,
    pastEvents: episode.pastEvents,
    newEvents: episode.newEvents,
    completionToken,
  };
}

export function entityWorkItem(batch: EntityBatch, completionToken: string): EntityWorkItem {
  return {
    kind: 'entity',
    instanceId: batch.instanceId,
    entityState: batch.record.entity?.state,
    operations: batch.requests.map((request) => ({
      requestId: request.requestId,
      operation: request.operation,
      input: request.input,
      isSignal: request.type === 'entityOperationSignaled',
      ...(request.type === 'entityOperationCalled' && { caller: { instanceId: request.parentInstanceId, executionId: request.parentExecutionId } }),
    })),
    completionToken,
  };
}
