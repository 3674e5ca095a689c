// specs/backends.md B3 `OrchestratorAction { id=1; oneof { 2 scheduleTask … 9 rewindOrchestration } }` ↔ core's
// OrchestratorAction. `rewindOrchestration` (the SDK's own history rewrite) has no core counterpart: this runtime's
// engine rewinds by itself (core/orchestration-inbox.ts), so decoding it is a ProtocolError.

import type { CompleteOrchestrationAction, EntityMessage, OrchestratorAction } from '../core';
import { fromProtoFailure, toProtoFailure } from './failure-details';
import {
  fromProtoCalled,
  fromProtoHistoryEvent,
  fromProtoInstance,
  fromProtoLockRequested,
  fromProtoSignaled,
  fromProtoUnlockSent,
  toProtoCalled,
  toProtoHistoryEvent,
  toProtoInstance,
  toProtoLockRequested,
  toProtoSignaled,
  toProtoUnlockSent,
  withoutUndefined,
} from './history-events';
import { ProtocolError } from './protocol-error';
import { pb } from './proto';
import { fromProtoStatus, toProtoStatus } from './runtime-status';
import { fromStringValue, fromTimestamp, readStringMap, toStringValue, toTimestamp, writeStringMap } from './wire-values';

export function toProtoAction(action: OrchestratorAction): pb.OrchestratorAction {
  const message = new pb.OrchestratorAction().setId(action.id);
  switch (action.type) {
    case 'scheduleTask': {
      const body = new pb.ScheduleTaskAction().setName(action.name).setVersion(toStringValue(action.version)).setInput(toStringValue(action.input));
      writeStringMap(body.getTagsMap(), action.tags);
      return message.setScheduletask(body);
    }
    case 'createSubOrchestration':
      return message.setCreatesuborchestration(
        new pb.CreateSubOrchestrationAction()
          .setInstanceid(action.instanceId)
          .setName(action.name)
          .setVersion(toStringValue(action.version))
          .setInput(toStringValue(action.input)),
      );
    case 'createTimer':
      return message.setCreatetimer(new pb.CreateTimerAction().setFireat(toTimestamp(action.fireAt)));
    case 'sendEvent':
      return message.setSendevent(
        new pb.SendEventAction().setInstance(toProtoInstance({ instanceId: action.instanceId, executionId: '' })).setName(action.name).setData(toStringValue(action.data)),
      );
    case 'completeOrchestration': {
      const body = new pb.CompleteOrchestrationAction()
        .setOrchestrationstatus(toProtoStatus(action.orchestrationStatus))
        .setResult(toStringValue(action.result))
        .setNewversion(toStringValue(action.newVersion))
        .setCarryovereventsList((action.carryoverEvents ?? []).map(toProtoHistoryEvent));
      if (action.failureDetails) body.setFailuredetails(toProtoFailure(action.failureDetails));
      return message.setCompleteorchestration(body);
    }
    case 'terminateOrchestration':
      return message.setTerminateorchestration(
        new pb.TerminateOrchestrationAction().setInstanceid(action.instanceId).setReason(toStringValue(action.reason)).setRecurse(action.recurse ?? false),
      );
    case 'sendEntityMessage':
      return message.setSendentitymessage(toProtoEntityMessage(action.message));
  }
}

export function fromProtoAction(message: pb.OrchestratorAction): OrchestratorAction {
  const id = message.getId();
  const Case = pb.OrchestratorAction.OrchestratoractiontypeCase;
  switch (message.getOrchestratoractiontypeCase()) {
    case Case.SCHEDULETASK: {
      const body = message.getScheduletask()!;
      return withoutUndefined({
        type: 'scheduleTask',
        id,
        name: body.getName(),
        version: fromStringValue(body.getVersion()),
        input: fromStringValue(body.getInput()),
        tags: readStringMap(body.getTagsMap()),
      });
    }
    case Case.CREATESUBORCHESTRATION: {
      const body = message.getCreatesuborchestration()!;
      return withoutUndefined({
        type: 'createSubOrchestration',
        id,
        instanceId: body.getInstanceid(),
        name: body.getName(),
        version: fromStringValue(body.getVersion()),
        input: fromStringValue(body.getInput()),
      });
    }
    case Case.CREATETIMER: {
      const fireAt = fromTimestamp(message.getCreatetimer()!.getFireat());
      if (fireAt === undefined) throw new ProtocolError(`Action ${id} (createTimer) has no fireAt.`);
      return { type: 'createTimer', id, fireAt };
    }
    case Case.SENDEVENT: {
      const body = message.getSendevent()!;
      return withoutUndefined({ type: 'sendEvent', id, instanceId: fromProtoInstance(body.getInstance()).instanceId, name: body.getName(), data: fromStringValue(body.getData()) });
    }
    case Case.COMPLETEORCHESTRATION: {
      const body = message.getCompleteorchestration()!;
      const status = fromProtoStatus(body.getOrchestrationstatus());
      if (status !== 'Completed' && status !== 'Failed' && status !== 'ContinuedAsNew' && status !== 'Terminated') {
        throw new ProtocolError(`Action ${id} (completeOrchestration) has status ${status}; expected Completed, Failed, ContinuedAsNew or Terminated.`);
      }
      const failure = body.getFailuredetails();
      const carryover = body.getCarryovereventsList();
      const action: CompleteOrchestrationAction = withoutUndefined({
        type: 'completeOrchestration',
        id,
        orchestrationStatus: status,
        result: fromStringValue(body.getResult()),
        failureDetails: failure && fromProtoFailure(failure),
        newVersion: fromStringValue(body.getNewversion()),
        carryoverEvents: carryover.length > 0 ? carryover.map(fromProtoHistoryEvent) : undefined,
      });
      return action;
    }
    case Case.TERMINATEORCHESTRATION: {
      const body = message.getTerminateorchestration()!;
      return withoutUndefined({
        type: 'terminateOrchestration',
        id,
        instanceId: body.getInstanceid(),
        reason: fromStringValue(body.getReason()),
        recurse: body.getRecurse() || undefined,
      });
    }
    case Case.SENDENTITYMESSAGE:
      return { type: 'sendEntityMessage', id, message: fromProtoEntityMessage(message.getSendentitymessage()!, id) };
    case Case.REWINDORCHESTRATION:
      throw new ProtocolError(`Action ${id} is rewindOrchestration; this runtime rewinds instances itself and does not take a rewritten history from the worker.`);
    case Case.ORCHESTRATORACTIONTYPE_NOT_SET:
      throw new ProtocolError(`Action ${id} has no action type set.`);
  }
}

function toProtoEntityMessage(message: EntityMessage): pb.SendEntityMessageAction {
  const action = new pb.SendEntityMessageAction();
  switch (message.type) {
    case 'entityOperationSignaled':
      return action.setEntityoperationsignaled(toProtoSignaled(message));
    case 'entityOperationCalled':
      return action.setEntityoperationcalled(toProtoCalled(message));
    case 'entityLockRequested':
      return action.setEntitylockrequested(toProtoLockRequested(message));
    case 'entityUnlockSent':
      return action.setEntityunlocksent(toProtoUnlockSent(message));
  }
}

function fromProtoEntityMessage(action: pb.SendEntityMessageAction, id: number): EntityMessage {
  const Case = pb.SendEntityMessageAction.EntitymessagetypeCase;
  switch (action.getEntitymessagetypeCase()) {
    case Case.ENTITYOPERATIONSIGNALED:
      return fromProtoSignaled(action.getEntityoperationsignaled()!);
    case Case.ENTITYOPERATIONCALLED:
      return fromProtoCalled(action.getEntityoperationcalled()!);
    case Case.ENTITYLOCKREQUESTED:
      return fromProtoLockRequested(action.getEntitylockrequested()!);
    case Case.ENTITYUNLOCKSENT:
      return fromProtoUnlockSent(action.getEntityunlocksent()!);
    case Case.ENTITYMESSAGETYPE_NOT_SET:
      throw new ProtocolError(`Action ${id} (sendEntityMessage) has no entity message set.`);
  }
}
