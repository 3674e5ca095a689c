// specs/backends.md B3 `HistoryEvent { eventId=1; timestamp=2; oneof eventType { 3 executionStarted … 30
// executionRewound } }` ↔ core's HistoryEvent, one case per event type in each direction. `genericEvent` (18) and
// `historyState` (19) have no meaning in the core model; decoding them is a ProtocolError.

import type { EventBody, HistoryEvent, OrchestrationInstance, ParentInstance } from '../core';
import { fromProtoFailure, requiredFailure, toProtoFailure } from './failure-details';
import { ProtocolError } from './protocol-error';
import { pb } from './proto';
import { fromProtoStatus, toProtoStatus } from './runtime-status';
import { fromStringValue, fromTimestamp, readStringMap, toStringValue, toTimestamp, writeStringMap } from './wire-values';

const EPOCH = new Date(0).toISOString();

export function toProtoInstance(instance: OrchestrationInstance): pb.OrchestrationInstance {
  return new pb.OrchestrationInstance().setInstanceid(instance.instanceId).setExecutionid(toStringValue(instance.executionId));
}

export function fromProtoInstance(message: pb.OrchestrationInstance | undefined): OrchestrationInstance {
  return { instanceId: message?.getInstanceid() ?? '', executionId: fromStringValue(message?.getExecutionid()) ?? '' };
}

function toProtoParent(parent: ParentInstance): pb.ParentInstanceInfo {
  return new pb.ParentInstanceInfo()
    .setTaskscheduledid(parent.taskScheduledId)
    .setName(toStringValue(parent.name))
    .setVersion(toStringValue(parent.version))
    .setOrchestrationinstance(toProtoInstance(parent));
}

function fromProtoParent(message: pb.ParentInstanceInfo): ParentInstance {
  const parent: ParentInstance = {
    taskScheduledId: message.getTaskscheduledid(),
    name: fromStringValue(message.getName()) ?? '',
    ...fromProtoInstance(message.getOrchestrationinstance()),
  };
  const version = fromStringValue(message.getVersion());
  if (version !== undefined) parent.version = version;
  return parent;
}

export function toProtoHistoryEvent(event: HistoryEvent): pb.HistoryEvent {
  const message = new pb.HistoryEvent().setEventid(event.eventId).setTimestamp(toTimestamp(event.timestamp));
  switch (event.type) {
    case 'executionStarted': {
      const body = new pb.ExecutionStartedEvent()
        .setName(event.name)
        .setVersion(toStringValue(event.version))
        .setInput(toStringValue(event.input))
        .setOrchestrationinstance(toProtoInstance(event.orchestrationInstance))
        .setScheduledstarttimestamp(toTimestamp(event.scheduledStartTimestamp));
      if (event.parentInstance) body.setParentinstance(toProtoParent(event.parentInstance));
      writeStringMap(body.getTagsMap(), event.tags);
      return message.setExecutionstarted(body);
    }
    case 'executionCompleted': {
      const body = new pb.ExecutionCompletedEvent().setOrchestrationstatus(toProtoStatus(event.orchestrationStatus)).setResult(toStringValue(event.result));
      if (event.failureDetails) body.setFailuredetails(toProtoFailure(event.failureDetails));
      return message.setExecutioncompleted(body);
    }
    case 'executionTerminated':
      return message.setExecutionterminated(new pb.ExecutionTerminatedEvent().setInput(toStringValue(event.input)).setRecurse(event.recurse ?? false));
    case 'executionSuspended':
      return message.setExecutionsuspended(new pb.ExecutionSuspendedEvent().setInput(toStringValue(event.input)));
    case 'executionResumed':
      return message.setExecutionresumed(new pb.ExecutionResumedEvent().setInput(toStringValue(event.input)));
    case 'executionRewound':
      return message.setExecutionrewound(new pb.ExecutionRewoundEvent().setReason(toStringValue(event.reason)));
    case 'taskScheduled': {
      const body = new pb.TaskScheduledEvent().setName(event.name).setVersion(toStringValue(event.version)).setInput(toStringValue(event.input));
      writeStringMap(body.getTagsMap(), event.tags);
      return message.setTaskscheduled(body);
    }
    case 'taskCompleted':
      return message.setTaskcompleted(new pb.TaskCompletedEvent().setTaskscheduledid(event.taskScheduledId).setResult(toStringValue(event.result)));
    case 'taskFailed':
      return message.setTaskfailed(new pb.TaskFailedEvent().setTaskscheduledid(event.taskScheduledId).setFailuredetails(toProtoFailure(event.failureDetails)));
    case 'subOrchestrationInstanceCreated':
      return message.setSuborchestrationinstancecreated(
        new pb.SubOrchestrationInstanceCreatedEvent()
          .setInstanceid(event.instanceId)
          .setName(event.name)
          .setVersion(toStringValue(event.version))
          .setInput(toStringValue(event.input)),
      );
    case 'subOrchestrationInstanceCompleted':
      return message.setSuborchestrationinstancecompleted(
        new pb.SubOrchestrationInstanceCompletedEvent().setTaskscheduledid(event.taskScheduledId).setResult(toStringValue(event.result)),
      );
    case 'subOrchestrationInstanceFailed':
      return message.setSuborchestrationinstancefailed(
        new pb.SubOrchestrationInstanceFailedEvent().setTaskscheduledid(event.taskScheduledId).setFailuredetails(toProtoFailure(event.failureDetails)),
      );
    case 'timerCreated':
      return message.setTimercreated(new pb.TimerCreatedEvent().setFireat(toTimestamp(event.fireAt)));
    case 'timerFired':
      return message.setTimerfired(new pb.TimerFiredEvent().setFireat(toTimestamp(event.fireAt)).setTimerid(event.timerId));
    case 'orchestratorStarted':
      return message.setOrchestratorstarted(new pb.OrchestratorStartedEvent());
    case 'orchestratorCompleted':
      return message.setOrchestratorcompleted(new pb.OrchestratorCompletedEvent());
    case 'eventSent':
      return message.setEventsent(new pb.EventSentEvent().setInstanceid(event.instanceId).setName(event.name).setInput(toStringValue(event.input)));
    case 'eventRaised':
      return message.setEventraised(new pb.EventRaisedEvent().setName(event.name).setInput(toStringValue(event.input)));
    case 'continueAsNew':
      return message.setContinueasnew(new pb.ContinueAsNewEvent().setInput(toStringValue(event.input)));
    case 'entityOperationSignaled':
      return message.setEntityoperationsignaled(toProtoSignaled(event));
    case 'entityOperationCalled':
      return message.setEntityoperationcalled(toProtoCalled(event));
    case 'entityLockRequested':
      return message.setEntitylockrequested(toProtoLockRequested(event));
    case 'entityUnlockSent':
      return message.setEntityunlocksent(toProtoUnlockSent(event));
    case 'entityOperationCompleted':
      return message.setEntityoperationcompleted(new pb.EntityOperationCompletedEvent().setRequestid(event.requestId).setOutput(toStringValue(event.output)));
    case 'entityOperationFailed':
      return message.setEntityoperationfailed(
        new pb.EntityOperationFailedEvent().setRequestid(event.requestId).setFailuredetails(toProtoFailure(event.failureDetails)),
      );
    case 'entityLockGranted':
      return message.setEntitylockgranted(new pb.EntityLockGrantedEvent().setCriticalsectionid(event.criticalSectionId));
  }
}

export function fromProtoHistoryEvent(message: pb.HistoryEvent): HistoryEvent {
  const envelope = { eventId: message.getEventid(), timestamp: fromTimestamp(message.getTimestamp()) ?? EPOCH };
  return { ...envelope, ...fromProtoEventBody(message) } as HistoryEvent;
}

/** The body of any one event type (EventBody of a union would keep only the common keys). */
type AnyEventBody = HistoryEvent extends infer E ? (E extends HistoryEvent ? Omit<E, 'eventId' | 'timestamp'> : never) : never;

function fromProtoEventBody(message: pb.HistoryEvent): AnyEventBody {
  const Case = pb.HistoryEvent.EventtypeCase;
  switch (message.getEventtypeCase()) {
    case Case.EXECUTIONSTARTED: {
      const body = message.getExecutionstarted()!;
      const parent = body.getParentinstance();
      return withoutUndefined({
        type: 'executionStarted',
        name: body.getName(),
        version: fromStringValue(body.getVersion()),
        input: fromStringValue(body.getInput()),
        orchestrationInstance: fromProtoInstance(body.getOrchestrationinstance()),
        parentInstance: parent && fromProtoParent(parent),
        scheduledStartTimestamp: fromTimestamp(body.getScheduledstarttimestamp()),
        tags: readStringMap(body.getTagsMap()),
      });
    }
    case Case.EXECUTIONCOMPLETED: {
      const body = message.getExecutioncompleted()!;
      const failure = body.getFailuredetails();
      const status = fromProtoStatus(body.getOrchestrationstatus());
      if (status !== 'Completed' && status !== 'Failed' && status !== 'ContinuedAsNew' && status !== 'Terminated' && status !== 'Canceled') {
        throw new ProtocolError(`executionCompleted.orchestrationStatus is ${status}; an execution ends Completed, Failed, ContinuedAsNew, Terminated or Canceled.`);
      }
      return withoutUndefined({ type: 'executionCompleted', orchestrationStatus: status, result: fromStringValue(body.getResult()), failureDetails: failure && fromProtoFailure(failure) });
    }
    case Case.EXECUTIONTERMINATED: {
      const body = message.getExecutionterminated()!;
      return withoutUndefined({ type: 'executionTerminated', input: fromStringValue(body.getInput()), recurse: body.getRecurse() || undefined });
    }
    case Case.EXECUTIONSUSPENDED:
      return withoutUndefined({ type: 'executionSuspended', input: fromStringValue(message.getExecutionsuspended()!.getInput()) });
    case Case.EXECUTIONRESUMED:
      return withoutUndefined({ type: 'executionResumed', input: fromStringValue(message.getExecutionresumed()!.getInput()) });
    case Case.EXECUTIONREWOUND:
      return withoutUndefined({ type: 'executionRewound', reason: fromStringValue(message.getExecutionrewound()!.getReason()) });
    case Case.TASKSCHEDULED: {
      const body = message.getTaskscheduled()!;
      return withoutUndefined({
        type: 'taskScheduled',
        name: body.getName(),
        version: fromStringValue(body.getVersion()),
        input: fromStringValue(body.getInput()),
        tags: readStringMap(body.getTagsMap()),
      });
    }
    case Case.TASKCOMPLETED: {
      const body = message.getTaskcompleted()!;
      return withoutUndefined({ type: 'taskCompleted', taskScheduledId: body.getTaskscheduledid(), result: fromStringValue(body.getResult()) });
    }
    case Case.TASKFAILED: {
      const body = message.getTaskfailed()!;
      return { type: 'taskFailed', taskScheduledId: body.getTaskscheduledid(), failureDetails: requiredFailure(body.getFailuredetails(), 'taskFailed') };
    }
    case Case.SUBORCHESTRATIONINSTANCECREATED: {
      const body = message.getSuborchestrationinstancecreated()!;
      return withoutUndefined({
        type: 'subOrchestrationInstanceCreated',
        instanceId: body.getInstanceid(),
        name: body.getName(),
        version: fromStringValue(body.getVersion()),
        input: fromStringValue(body.getInput()),
      });
    }
    case Case.SUBORCHESTRATIONINSTANCECOMPLETED: {
      const body = message.getSuborchestrationinstancecompleted()!;
      return withoutUndefined({ type: 'subOrchestrationInstanceCompleted', taskScheduledId: body.getTaskscheduledid(), result: fromStringValue(body.getResult()) });
    }
    case Case.SUBORCHESTRATIONINSTANCEFAILED: {
      const body = message.getSuborchestrationinstancefailed()!;
      return { type: 'subOrchestrationInstanceFailed', taskScheduledId: body.getTaskscheduledid(), failureDetails: requiredFailure(body.getFailuredetails(), 'subOrchestrationInstanceFailed') };
    }
    case Case.TIMERCREATED:
      return { type: 'timerCreated', fireAt: requiredTime(message.getTimercreated()!.getFireat(), 'timerCreated.fireAt') };
    case Case.TIMERFIRED: {
      const body = message.getTimerfired()!;
      return { type: 'timerFired', timerId: body.getTimerid(), fireAt: requiredTime(body.getFireat(), 'timerFired.fireAt') };
    }
    case Case.ORCHESTRATORSTARTED:
      return { type: 'orchestratorStarted' };
    case Case.ORCHESTRATORCOMPLETED:
      return { type: 'orchestratorCompleted' };
    case Case.EVENTSENT: {
      const body = message.getEventsent()!;
      return withoutUndefined({ type: 'eventSent', instanceId: body.getInstanceid(), name: body.getName(), input: fromStringValue(body.getInput()) });
    }
    case Case.EVENTRAISED: {
      const body = message.getEventraised()!;
      return withoutUndefined({ type: 'eventRaised', name: body.getName(), input: fromStringValue(body.getInput()) });
    }
    case Case.CONTINUEASNEW:
      return withoutUndefined({ type: 'continueAsNew', input: fromStringValue(message.getContinueasnew()!.getInput()) });
    case Case.ENTITYOPERATIONSIGNALED:
      return fromProtoSignaled(message.getEntityoperationsignaled()!);
    case Case.ENTITYOPERATIONCALLED:
      return fromProtoCalled(message.getEntityoperationcalled()!);
    case Case.ENTITYLOCKREQUESTED:
      return fromProtoLockRequested(message.getEntitylockrequested()!);
    case Case.ENTITYUNLOCKSENT:
      return fromProtoUnlockSent(message.getEntityunlocksent()!);
    case Case.ENTITYOPERATIONCOMPLETED: {
      const body = message.getEntityoperationcompleted()!;
      return withoutUndefined({ type: 'entityOperationCompleted', requestId: body.getRequestid(), output: fromStringValue(body.getOutput()) });
    }
    case Case.ENTITYOPERATIONFAILED: {
      const body = message.getEntityoperationfailed()!;
      return { type: 'entityOperationFailed', requestId: body.getRequestid(), failureDetails: requiredFailure(body.getFailuredetails(), 'entityOperationFailed') };
    }
    case Case.ENTITYLOCKGRANTED:
      return { type: 'entityLockGranted', criticalSectionId: message.getEntitylockgranted()!.getCriticalsectionid() };
    case Case.GENERICEVENT:
      throw new ProtocolError(`History event ${message.getEventid()} is a genericEvent, which this runtime does not use.`);
    case Case.HISTORYSTATE:
      throw new ProtocolError(`History event ${message.getEventid()} is a historyState event, which this runtime does not use.`);
    case Case.EVENTTYPE_NOT_SET:
      throw new ProtocolError(`History event ${message.getEventid()} has no event type set.`);
  }
}

// --- Entity messages: the same four bodies travel as history events and inside `sendEntityMessage` actions.

export function toProtoSignaled(event: EventBody<'entityOperationSignaled'>): pb.EntityOperationSignaledEvent {
  return new pb.EntityOperationSignaledEvent()
    .setRequestid(event.requestId)
    .setOperation(event.operation)
    .setInput(toStringValue(event.input))
    .setScheduledtime(toTimestamp(event.scheduledTime))
    .setTargetinstanceid(toStringValue(event.targetInstanceId));
}

export function fromProtoSignaled(body: pb.EntityOperationSignaledEvent): EventBody<'entityOperationSignaled'> {
  return withoutUndefined({
    type: 'entityOperationSignaled',
    requestId: body.getRequestid(),
    operation: body.getOperation(),
    input: fromStringValue(body.getInput()),
    scheduledTime: fromTimestamp(body.getScheduledtime()),
    targetInstanceId: fromStringValue(body.getTargetinstanceid()) ?? '',
  });
}

export function toProtoCalled(event: EventBody<'entityOperationCalled'>): pb.EntityOperationCalledEvent {
  return new pb.EntityOperationCalledEvent()
    .setRequestid(event.requestId)
    .setOperation(event.operation)
    .setInput(toStringValue(event.input))
    .setScheduledtime(toTimestamp(event.scheduledTime))
    .setParentinstanceid(toStringValue(event.parentInstanceId))
    .setParentexecutionid(toStringValue(event.parentExecutionId))
    .setTargetinstanceid(toStringValue(event.targetInstanceId));
}

export function fromProtoCalled(body: pb.EntityOperationCalledEvent): EventBody<'entityOperationCalled'> {
  return withoutUndefined({
    type: 'entityOperationCalled',
    requestId: body.getRequestid(),
    operation: body.getOperation(),
    input: fromStringValue(body.getInput()),
    scheduledTime: fromTimestamp(body.getScheduledtime()),
    parentInstanceId: fromStringValue(body.getParentinstanceid()) ?? '',
    parentExecutionId: fromStringValue(body.getParentexecutionid()) ?? '',
    targetInstanceId: fromStringValue(body.getTargetinstanceid()) ?? '',
  });
}

export function toProtoLockRequested(event: EventBody<'entityLockRequested'>): pb.EntityLockRequestedEvent {
  return new pb.EntityLockRequestedEvent()
    .setCriticalsectionid(event.criticalSectionId)
    .setLocksetList(event.lockSet)
    .setPosition(event.position)
    .setParentinstanceid(toStringValue(event.parentInstanceId));
}

export function fromProtoLockRequested(body: pb.EntityLockRequestedEvent): EventBody<'entityLockRequested'> {
  return {
    type: 'entityLockRequested',
    criticalSectionId: body.getCriticalsectionid(),
    lockSet: body.getLocksetList(),
    position: body.getPosition(),
    parentInstanceId: fromStringValue(body.getParentinstanceid()) ?? '',
  };
}

export function toProtoUnlockSent(event: EventBody<'entityUnlockSent'>): pb.EntityUnlockSentEvent {
  return new pb.EntityUnlockSentEvent()
    .setCriticalsectionid(event.criticalSectionId)
    .setParentinstanceid(toStringValue(event.parentInstanceId))
    .setTargetinstanceid(toStringValue(event.targetInstanceId));
}

export function fromProtoUnlockSent(body: pb.EntityUnlockSentEvent): EventBody<'entityUnlockSent'> {
  return {
    type: 'entityUnlockSent',
    criticalSectionId: body.getCriticalsectionid(),
    parentInstanceId: fromStringValue(body.getParentinstanceid()) ?? '',
    targetInstanceId: fromStringValue(body.getTargetinstanceid()) ?? '',
  };
}


function requiredTime(timestamp: Parameters<typeof fromTimestamp>[0], field: string): string {
  const time = fromTimestamp(timestamp);
  if (time === undefined) throw new ProtocolError(`${field} is required.`);
  return time;
}

/** Optional fields absent on the wire stay absent in the core model (not present-but-undefined). */
export function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
