// What a worker sends back (specs/backends.md B3/B4 steps 4–6): `OrchestratorResponse`, `ActivityResponse` and
// `EntityBatchResult` ↔ core's OrchestratorResult, ActivityResult and EntityBatchResult, with the work item's
// completion token echoed in each.

import type { ActivityResult, EntityAction, EntityBatchResult, EntityOperationResult, FailureDetails, OrchestratorResult } from '../core';
import { fromProtoFailure, requiredFailure, toProtoFailure } from './failure-details';
import { withoutUndefined } from './history-events';
import { fromProtoAction, toProtoAction } from './orchestrator-actions';
import { ProtocolError } from './protocol-error';
import { pb } from './proto';
import { fromStringValue, fromTimestamp, toStringValue, toTimestamp } from './wire-values';

export function toProtoOrchestratorResponse(result: OrchestratorResult): pb.OrchestratorResponse {
  return new pb.OrchestratorResponse()
    .setInstanceid(result.instanceId)
    .setActionsList(result.actions.map(toProtoAction))
    .setCustomstatus(toStringValue(result.customStatus))
    .setCompletiontoken(result.completionToken);
}

export function fromProtoOrchestratorResponse(message: pb.OrchestratorResponse): OrchestratorResult {
  return withoutUndefined({
    instanceId: message.getInstanceid(),
    actions: message.getActionsList().map(fromProtoAction),
    customStatus: fromStringValue(message.getCustomstatus()),
    completionToken: message.getCompletiontoken(),
  });
}

export function toProtoActivityResponse(result: ActivityResult): pb.ActivityResponse {
  const message = new pb.ActivityResponse().setInstanceid(result.instanceId).setTaskid(result.taskId).setCompletiontoken(result.completionToken);
  return result.failureDetails ? message.setFailuredetails(toProtoFailure(result.failureDetails)) : message.setResult(toStringValue(result.result));
}

export function fromProtoActivityResponse(message: pb.ActivityResponse): ActivityResult {
  const base = { instanceId: message.getInstanceid(), taskId: message.getTaskid(), completionToken: message.getCompletiontoken() };
  const failure = message.getFailuredetails();
  if (failure) return { ...base, failureDetails: fromProtoFailure(failure) };
  const result = fromStringValue(message.getResult());
  return result === undefined ? base : { ...base, result };
}

export function toProtoEntityBatchResult(result: EntityBatchResult): pb.EntityBatchResult {
  return new pb.EntityBatchResult()
    .setResultsList(result.results.map(toProtoOperationResult))
    .setActionsList(result.actions.map(toProtoOperationAction))
    .setEntitystate(toStringValue(result.entityState))
    .setCompletiontoken(result.completionToken);
}

/**
 * `EntityBatchResult` has no instance id on the wire: the caller knows it from the work item the token names.
 * A batch-level `failureDetails` (the worker could not run the batch at all) is not a result: read it with
 * `entityBatchFailure` first and give the work item back.
 */
export function fromProtoEntityBatchResult(message: pb.EntityBatchResult, instanceId: string): EntityBatchResult {
  return withoutUndefined({
    instanceId,
    results: message.getResultsList().map(fromProtoOperationResult),
    actions: message.getActionsList().map(fromProtoOperationAction),
    entityState: fromStringValue(message.getEntitystate()),
    completionToken: message.getCompletiontoken(),
  });
}

export function entityBatchFailure(message: pb.EntityBatchResult): FailureDetails | undefined {
  const failure = message.getFailuredetails();
  return failure && fromProtoFailure(failure);
}

function toProtoOperationResult(result: EntityOperationResult): pb.OperationResult {
  if (result.failureDetails) return new pb.OperationResult().setFailure(new pb.OperationResultFailure().setFailuredetails(toProtoFailure(result.failureDetails)));
  return new pb.OperationResult().setSuccess(new pb.OperationResultSuccess().setResult(toStringValue(result.result)));
}

function fromProtoOperationResult(message: pb.OperationResult, index: number): EntityOperationResult {
  if (message.hasFailure()) return { failureDetails: requiredFailure(message.getFailure()!.getFailuredetails(), `Entity operation result ${index}`) };
  if (message.hasSuccess()) return withoutUndefined({ result: fromStringValue(message.getSuccess()!.getResult()) });
  throw new ProtocolError(`Entity operation result ${index} is neither success nor failure.`);
}

function toProtoOperationAction(action: EntityAction, index: number): pb.OperationAction {
  const message = new pb.OperationAction().setId(index);
  if (action.type === 'sendSignal') {
    return message.setSendsignal(
      new pb.SendSignalAction().setInstanceid(action.instanceId).setName(action.name).setInput(toStringValue(action.input)).setScheduledtime(toTimestamp(action.scheduledTime)),
    );
  }
  return message.setStartneworchestration(
    new pb.StartNewOrchestrationAction()
      .setInstanceid(action.instanceId)
      .setName(action.name)
      .setVersion(toStringValue(action.version))
      .setInput(toStringValue(action.input))
      .setScheduledtime(toTimestamp(action.scheduledTime)),
  );
}

function fromProtoOperationAction(message: pb.OperationAction): EntityAction {
  if (message.hasSendsignal()) {
    const body = message.getSendsignal()!;
    return withoutUndefined({
      type: 'sendSignal',
      instanceId: body.getInstanceid(),
      name: body.getName(),
      input: fromStringValue(body.getInput()),
      scheduledTime: fromTimestamp(body.getScheduledtime()),
    });
  }
  if (message.hasStartneworchestration()) {
    const body = message.getStartneworchestration()!;
    return withoutUndefined({
      type: 'startNewOrchestration',
      instanceId: body.getInstanceid(),
      name: body.getName(),
      version: fromStringValue(body.getVersion()),
      input: fromStringValue(body.getInput()),
      scheduledTime: fromTimestamp(body.getScheduledtime()),
    });
  }
  throw new ProtocolError(`Entity action ${message.getId()} is neither sendSignal nor startNewOrchestration.`);
}
