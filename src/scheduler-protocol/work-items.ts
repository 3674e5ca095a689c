// The work-item stream's messages (specs/backends.md B3 "Work-item stream", B4) ↔ core's work items:
// `WorkItem { oneof request { orchestratorRequest=1; activityRequest=2; entityRequest=3; healthPing=4;
// entityRequestV2=5 }; completionToken=10 }`. Entities travel in two shapes: the older `EntityBatchRequest` (V1:
// operations without a signal/call distinction) and `EntityRequest` (V2: the signaled/called history events).

import type { ActivityWorkItem, EntityOperationRequest, EntityWorkItem, OrchestratorWorkItem, WorkItem } from '../core';
import { fromProtoCalled, fromProtoHistoryEvent, fromProtoInstance, fromProtoSignaled, toProtoHistoryEvent, toProtoInstance } from './history-events';
import { ProtocolError } from './protocol-error';
import { pb } from './proto';
import { fromStringValue, toStringValue } from './wire-values';

export type EntityRequestShape = 'v1' | 'v2';

export interface ToProtoWorkItemOptions {
  /** Which entity request shape to send. Default `v1` (`EntityBatchRequest`), which every SDK reads. */
  entityShape?: EntityRequestShape;
  /** Send an orchestrator request without `pastEvents`, for a worker that streams history (B4 step 4). */
  streamHistory?: boolean;
}

export function toProtoWorkItem(item: WorkItem, options: ToProtoWorkItemOptions = {}): pb.WorkItem {
  const message = new pb.WorkItem().setCompletiontoken(item.completionToken);
  switch (item.kind) {
    case 'orchestrator':
      return message.setOrchestratorrequest(toProtoOrchestratorRequest(item, options.streamHistory ?? false));
    case 'activity':
      return message.setActivityrequest(
        new pb.ActivityRequest()
          .setName(item.name)
          .setVersion(toStringValue(item.version))
          .setInput(toStringValue(item.input))
          .setOrchestrationinstance(toProtoInstance(item))
          .setTaskid(item.taskId),
      );
    case 'entity':
      return options.entityShape === 'v2' ? message.setEntityrequestv2(toProtoEntityRequestV2(item)) : message.setEntityrequest(toProtoEntityBatchRequest(item));
  }
}

/** The keep-alive item (B4 step 7); workers ignore it, but it proves the stream is alive. */
export function healthPingWorkItem(): pb.WorkItem {
  return new pb.WorkItem().setHealthping(new pb.HealthPing());
}

function toProtoOrchestratorRequest(item: OrchestratorWorkItem, streamHistory: boolean): pb.OrchestratorRequest {
  return new pb.OrchestratorRequest()
    .setInstanceid(item.instanceId)
    .setExecutionid(toStringValue(item.executionId))
    .setPasteventsList(streamHistory ? [] : item.pastEvents.map(toProtoHistoryEvent))
    .setNeweventsList(item.newEvents.map(toProtoHistoryEvent))
    .setRequireshistorystreaming(streamHistory);
}

function toProtoEntityBatchRequest(item: EntityWorkItem): pb.EntityBatchRequest {
  return new pb.EntityBatchRequest()
    .setInstanceid(item.instanceId)
    .setEntitystate(toStringValue(item.entityState))
    .setOperationsList(
      item.operations.map((operation) => new pb.OperationRequest().setOperation(operation.operation).setRequestid(operation.requestId).setInput(toStringValue(operation.input))),
    );
}

function toProtoEntityRequestV2(item: EntityWorkItem): pb.EntityRequest {
  return new pb.EntityRequest()
    .setInstanceid(item.instanceId)
    .setEntitystate(toStringValue(item.entityState))
    .setOperationrequestsList(
      item.operations.map((operation) =>
        toProtoHistoryEvent(
          operation.isSignal || !operation.caller
            ? { type: 'entityOperationSignaled', eventId: -1, timestamp: new Date(0).toISOString(), requestId: operation.requestId, operation: operation.operation, input: operation.input, targetInstanceId: item.instanceId }
            : {
                type: 'entityOperationCalled',
                eventId: -1,
                timestamp: new Date(0).toISOString(),
                requestId: operation.requestId,
                operation: operation.operation,
                input: operation.input,
                parentInstanceId: operation.caller.instanceId,
                parentExecutionId: operation.caller.executionId,
                targetInstanceId: item.instanceId,
              },
        ),
      ),
    );
}

/** Reads a work item from the stream; `undefined` for a health ping. */
export function fromProtoWorkItem(message: pb.WorkItem): WorkItem | undefined {
  const completionToken = message.getCompletiontoken();
  const Case = pb.WorkItem.RequestCase;
  switch (message.getRequestCase()) {
    case Case.ORCHESTRATORREQUEST: {
      const request = message.getOrchestratorrequest()!;
      const item: OrchestratorWorkItem = {
        kind: 'orchestrator',
        instanceId: request.getInstanceid(),
        executionId: fromStringValue(request.getExecutionid()) ?? '',
        pastEvents: request.getPasteventsList().map(fromProtoHistoryEvent),
        newEvents: request.getNeweventsList().map(fromProtoHistoryEvent),
        completionToken,
      };
      return item;
    }
    case Case.ACTIVITYREQUEST: {
      const request = message.getActivityrequest()!;
      const item: ActivityWorkItem = {
        kind: 'activity',
        name: request.getName(),
        ...fromProtoInstance(request.getOrchestrationinstance()),
        taskId: request.getTaskid(),
        completionToken,
      };
      const version = fromStringValue(request.getVersion());
      const input = fromStringValue(request.getInput());
      if (version !== undefined) item.version = version;
      if (input !== undefined) item.input = input;
      return item;
    }
    case Case.ENTITYREQUEST: {
      const request = message.getEntityrequest()!;
      // V1 carries no signal/call distinction: every operation reads as a call.
      const operations = request.getOperationsList().map((operation): EntityOperationRequest => ({
        requestId: operation.getRequestid(),
        operation: operation.getOperation(),
        input: fromStringValue(operation.getInput()),
        isSignal: false,
      }));
      return { kind: 'entity', instanceId: request.getInstanceid(), entityState: fromStringValue(request.getEntitystate()), operations, completionToken };
    }
    case Case.ENTITYREQUESTV2: {
      const request = message.getEntityrequestv2()!;
      const operations = request.getOperationrequestsList().map(entityOperationFromEvent);
      return { kind: 'entity', instanceId: request.getInstanceid(), entityState: fromStringValue(request.getEntitystate()), operations, completionToken };
    }
    case Case.HEALTHPING:
      return undefined;
    case Case.REQUEST_NOT_SET:
      throw new ProtocolError('A work item arrived with no request set.');
  }
}

function entityOperationFromEvent(event: pb.HistoryEvent): EntityOperationRequest {
  if (event.hasEntityoperationsignaled()) {
    const signal = fromProtoSignaled(event.getEntityoperationsignaled()!);
    return { requestId: signal.requestId, operation: signal.operation, input: signal.input, isSignal: true };
  }
  if (event.hasEntityoperationcalled()) {
    const call = fromProtoCalled(event.getEntityoperationcalled()!);
    return {
      requestId: call.requestId,
      operation: call.operation,
      input: call.input,
      isSignal: false,
      caller: { instanceId: call.parentInstanceId, executionId: call.parentExecutionId },
    };
  }
  throw new ProtocolError(`An entity request (V2) holds history event ${event.getEventid()}, which is neither entityOperationSignaled nor entityOperationCalled.`);
}
