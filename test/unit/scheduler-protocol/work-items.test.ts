// specs/backends.md B3 "OrchestratorAction", "Work-item stream" and B4: actions, work items (both entity request
// shapes), worker results and instance states cross the wire without losing anything the core model holds.

import type { EntityWorkItem, OrchestratorAction, WorkItem } from '../../../src/core';
import {
  entityBatchFailure,
  fromProtoAction,
  fromProtoActivityResponse,
  fromProtoEntityBatchResult,
  fromProtoEntityMetadata,
  fromProtoOrchestrationState,
  fromProtoOrchestratorResponse,
  fromProtoWorkItem,
  healthPingWorkItem,
  pb,
  ProtocolError,
  toProtoAction,
  toProtoActivityResponse,
  toProtoEntityBatchResult,
  toProtoEntityMetadata,
  toProtoOrchestrationState,
  toProtoOrchestratorResponse,
  toProtoWorkItem,
} from '../../../src/scheduler-protocol';

const T = '2024-01-01T00:00:00.000Z';

const ACTIONS: [number, OrchestratorAction][] = [
  [2, { type: 'scheduleTask', id: 0, name: 'act', version: '2', input: '"x"', tags: { a: 'b' } }],
  [3, { type: 'createSubOrchestration', id: 1, instanceId: 'child', name: 'sub', input: '1' }],
  [4, { type: 'createTimer', id: 2, fireAt: T }],
  [5, { type: 'sendEvent', id: 3, instanceId: 'other', name: 'go', data: 'true' }],
  [6, { type: 'completeOrchestration', id: 4, orchestrationStatus: 'ContinuedAsNew', result: '5', carryoverEvents: [{ eventId: -1, timestamp: T, type: 'eventRaised', name: 'e', input: '1' }] }],
  [6, { type: 'completeOrchestration', id: 5, orchestrationStatus: 'Failed', failureDetails: { errorType: 'Error', errorMessage: 'no' } }],
  [7, { type: 'terminateOrchestration', id: 6, instanceId: 'child', reason: '"stop"', recurse: true }],
  [8, { type: 'sendEntityMessage', id: 7, message: { type: 'entityOperationSignaled', requestId: 'r', operation: 'add', input: '1', targetInstanceId: '@c@k' } }],
  [8, { type: 'sendEntityMessage', id: 8, message: { type: 'entityOperationCalled', requestId: 'r2', operation: 'get', parentInstanceId: 'i', parentExecutionId: 'e', targetInstanceId: '@c@k' } }],
  [8, { type: 'sendEntityMessage', id: 9, message: { type: 'entityLockRequested', criticalSectionId: 'cs', lockSet: ['@c@k'], position: 0, parentInstanceId: 'i' } }],
  [8, { type: 'sendEntityMessage', id: 10, message: { type: 'entityUnlockSent', criticalSectionId: 'cs', parentInstanceId: 'i', targetInstanceId: '@c@k' } }],
];

function viaBytes<T extends { serializeBinary(): Uint8Array }>(message: T, type: { deserializeBinary(bytes: Uint8Array): T }): T {
  return type.deserializeBinary(message.serializeBinary());
}

describe('orchestrator actions (specs/backends.md B3 OrchestratorAction)', () => {
  it.each(ACTIONS)('writes oneof field %i and reads back the same action', (field, action) => {
    const wire = viaBytes(toProtoAction(action), pb.OrchestratorAction);
    expect(wire.getOrchestratoractiontypeCase()).toBe(field);
    expect(wire.getId()).toBe(action.id);
    expect(fromProtoAction(wire)).toEqual(action);
  });

  it('refuses rewindOrchestration: the engine rewinds by itself', () => {
    const rewind = new pb.OrchestratorAction().setId(3).setRewindorchestration(new pb.RewindOrchestrationAction());
    expect(() => fromProtoAction(rewind)).toThrow(ProtocolError);
    expect(() => fromProtoAction(new pb.OrchestratorAction().setId(4))).toThrow(/Action 4 has no action type/);
  });
});

describe('work items (specs/backends.md B3 WorkItem, B4)', () => {
  const orchestrator: WorkItem = {
    kind: 'orchestrator',
    instanceId: 'i',
    executionId: 'e',
    pastEvents: [{ eventId: -1, timestamp: T, type: 'orchestratorStarted' }],
    newEvents: [{ eventId: -1, timestamp: T, type: 'eventRaised', name: 'go', input: '1' }],
    completionToken: 'tok-1',
  };
  const activity: WorkItem = { kind: 'activity', name: 'act', input: '"x"', instanceId: 'i', executionId: 'e', taskId: 7, completionToken: 'tok-2' };
  const entity: EntityWorkItem = {
    kind: 'entity',
    instanceId: '@counter@k',
    entityState: '3',
    operations: [
      { requestId: 'r1', operation: 'add', input: '1', isSignal: true },
      { requestId: 'r2', operation: 'get', isSignal: false, caller: { instanceId: 'i', executionId: 'e' } },
    ],
    completionToken: 'tok-3',
  };

  it('carries orchestrator and activity requests with their completion token (field 10)', () => {
    for (const item of [orchestrator, activity]) {
      const wire = viaBytes(toProtoWorkItem(item), pb.WorkItem);
      expect(wire.getCompletiontoken()).toBe(item.completionToken);
      expect(fromProtoWorkItem(wire)).toEqual(item);
    }
    expect(viaBytes(toProtoWorkItem(activity), pb.WorkItem).getActivityrequest()!.getTaskid()).toBe(7);
  });

  it('sends full pastEvents unless the worker streams history (B4 step 4)', () => {
    expect(toProtoWorkItem(orchestrator).getOrchestratorrequest()!.getPasteventsList()).toHaveLength(1);
    const streamed = toProtoWorkItem(orchestrator, { streamHistory: true }).getOrchestratorrequest()!;
    expect(streamed.getPasteventsList()).toHaveLength(0);
    expect(streamed.getRequireshistorystreaming()).toBe(true);
  });

  it('V2 entity requests (field 5) keep signals apart from calls and name the caller', () => {
    const wire = viaBytes(toProtoWorkItem(entity, { entityShape: 'v2' }), pb.WorkItem);
    expect(wire.getRequestCase()).toBe(pb.WorkItem.RequestCase.ENTITYREQUESTV2);
    const events = wire.getEntityrequestv2()!.getOperationrequestsList();
    expect(events.map((event) => event.getEventtypeCase())).toEqual([23, 24]);
    expect(fromProtoWorkItem(wire)).toEqual(entity);
  });

  it('V1 entity requests (field 3) carry the operations in order; they read back as calls, V1 has no signal flag', () => {
    const wire = viaBytes(toProtoWorkItem(entity), pb.WorkItem);
    expect(wire.getRequestCase()).toBe(pb.WorkItem.RequestCase.ENTITYREQUEST);
    expect(fromProtoWorkItem(wire)).toEqual({
      ...entity,
      operations: [
        { requestId: 'r1', operation: 'add', input: '1', isSignal: false },
        { requestId: 'r2', operation: 'get', input: undefined, isSignal: false },
      ],
    });
  });

  it('reads a health ping as no work', () => {
    expect(fromProtoWorkItem(viaBytes(healthPingWorkItem(), pb.WorkItem))).toBeUndefined();
  });
});

describe('worker results (specs/backends.md B3, B4 steps 4–6)', () => {
  it('orchestrator responses keep actions, custom status and token', () => {
    const result = { instanceId: 'i', actions: ACTIONS.map(([, action]) => action), customStatus: '"half"', completionToken: 'tok' };
    expect(fromProtoOrchestratorResponse(viaBytes(toProtoOrchestratorResponse(result), pb.OrchestratorResponse))).toEqual(result);
  });

  it('activity responses carry a result or failure details', () => {
    const ok = { instanceId: 'i', taskId: 3, result: '"r"', completionToken: 't' };
    const failed = { instanceId: 'i', taskId: 3, failureDetails: { errorType: 'E', errorMessage: 'm' }, completionToken: 't' };
    expect(fromProtoActivityResponse(viaBytes(toProtoActivityResponse(ok), pb.ActivityResponse))).toEqual(ok);
    expect(fromProtoActivityResponse(viaBytes(toProtoActivityResponse(failed), pb.ActivityResponse))).toEqual(failed);
  });

  it('entity batch results keep per-operation outcomes, actions and state; a batch failure is read apart', () => {
    const result = {
      instanceId: '@c@k',
      results: [{ result: '1' }, { failureDetails: { errorType: 'E', errorMessage: 'm' } }, {}],
      actions: [
        { type: 'sendSignal' as const, instanceId: '@d@k', name: 'ping', input: '1', scheduledTime: T },
        { type: 'startNewOrchestration' as const, instanceId: 'o', name: 'orch', input: '2' },
      ],
      entityState: '7',
      completionToken: 'tok',
    };
    const wire = viaBytes(toProtoEntityBatchResult(result), pb.EntityBatchResult);
    expect(fromProtoEntityBatchResult(wire, '@c@k')).toEqual(result);
    expect(entityBatchFailure(wire)).toBeUndefined();
    wire.setFailuredetails(new pb.TaskFailureDetails().setErrortype('Crash').setErrormessage('worker broke'));
    expect(entityBatchFailure(wire)).toEqual({ errorType: 'Crash', errorMessage: 'worker broke' });
  });
});

describe('instance states (specs/backends.md B3 OrchestrationState, EntityMetadata)', () => {
  const state = {
    instanceId: 'i',
    name: 'orch',
    executionId: 'e',
    status: 'Failed' as const,
    createdAt: T,
    lastUpdatedAt: '2024-01-01T00:00:05.000Z',
    completedAt: '2024-01-01T00:00:05.000Z',
    input: '1',
    output: '2',
    customStatus: '"c"',
    failureDetails: { errorType: 'E', errorMessage: 'm' },
    parentInstanceId: 'p',
  };

  it('round-trips an orchestration state', () => {
    expect(fromProtoOrchestrationState(viaBytes(toProtoOrchestrationState(state), pb.OrchestrationState))).toEqual(state);
  });

  it('leaves payloads out when the client did not ask for inputs and outputs', () => {
    const { input, output, customStatus, ...rest } = state;
    expect(fromProtoOrchestrationState(toProtoOrchestrationState(state, false))).toEqual(rest);
  });

  it('round-trips entity metadata, naming the entity from its scheduler id', () => {
    const entity = { instanceId: '@counter@k@1', state: '5', lastModifiedAt: T, lockedBy: 'orch-1', backlogQueueSize: 2 };
    expect(fromProtoEntityMetadata(viaBytes(toProtoEntityMetadata(entity, true), pb.EntityMetadata))).toEqual({ ...entity, name: 'counter', key: 'k@1' });
    expect(fromProtoEntityMetadata(toProtoEntityMetadata(entity, false))).not.toHaveProperty('state');
  });
});
