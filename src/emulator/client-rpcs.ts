// The client side of TaskHubSidecarService (specs/backends.md B2) over a task hub: start, read, wait, raise,
// terminate, suspend, resume, rewind, restart, query, list, purge and the entity calls. The Scheduler's observable
// rules apply here: instance ids of at most 100 characters, a start time at or before now (the JS client sends the
// epoch, B9) means now, and errors map to the status codes the SDKs react to (rpc-errors.ts).

import { status, type ServerUnaryCall } from '@grpc/grpc-js';
import { isTerminal, newInstanceId, type RuntimeStatus } from '../core';
import {
  BoolValue,
  fromProtoStatus,
  fromStringValue,
  fromTimestamp,
  MAX_PURGE_BATCH,
  pb,
  readStringMap,
  toProtoEntityMetadata,
  toProtoOrchestrationState,
  toStringValue,
} from '../scheduler-protocol';
import type { OrchestrationState, TaskHub } from '../taskhub';
import { invalidArgument, RpcError } from './rpc-errors';

/** The Durable Task Scheduler's limit on instance ids. */
export const MAX_SCHEDULER_INSTANCE_ID_LENGTH = 100;

const DEFAULT_QUERY_PAGE = 100;

export async function startInstance(hub: TaskHub, request: pb.CreateInstanceRequest): Promise<pb.CreateInstanceResponse> {
  const name = request.getName();
  if (!name) throw invalidArgument('name', 'is required: the name of the orchestrator to start.');
  const instanceId = request.getInstanceid() || newInstanceId();
  if (instanceId.length > MAX_SCHEDULER_INSTANCE_ID_LENGTH) {
    throw invalidArgument('instanceId', `is ${instanceId.length} characters long; the Durable Task Scheduler allows at most ${MAX_SCHEDULER_INSTANCE_ID_LENGTH}.`);
  }
  const policy = request.getOrchestrationidreusepolicy();
  await hub.startOrchestration({
    name,
    instanceId,
    input: fromStringValue(request.getInput()),
    version: fromStringValue(request.getVersion()),
    scheduledStartAt: fromTimestamp(request.getScheduledstarttimestamp()),
    tags: readStringMap(request.getTagsMap()),
    replaceableStatuses: policy && statusesOf(policy.getReplaceablestatusList(), 'orchestrationIdReusePolicy.replaceableStatus'),
  });
  return new pb.CreateInstanceResponse().setInstanceid(instanceId);
}

export async function getInstance(hub: TaskHub, request: pb.GetInstanceRequest): Promise<pb.GetInstanceResponse> {
  return instanceResponse(await hub.getOrchestration(requiredInstanceId(request.getInstanceid())), request.getGetinputsandoutputs());
}

/** Long poll until the instance has started (B2); the client's deadline or cancellation ends it. */
export async function waitForInstanceStart(hub: TaskHub, request: pb.GetInstanceRequest, call: ServerUnaryCall<unknown, unknown>): Promise<pb.GetInstanceResponse> {
  const instanceId = requiredInstanceId(request.getInstanceid());
  const signal = cancellationOf(call);
  for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, 500)) {
    const state = await hub.getOrchestration(instanceId);
    if (state && state.status !== 'Pending') return instanceResponse(state, request.getGetinputsandoutputs());
    await pause(delayMs, signal);
  }
}

/** Long poll until the instance finishes (Completed, Failed, Terminated, Canceled; B2). */
export async function waitForInstanceCompletion(hub: TaskHub, request: pb.GetInstanceRequest, call: ServerUnaryCall<unknown, unknown>): Promise<pb.GetInstanceResponse> {
  const instanceId = requiredInstanceId(request.getInstanceid());
  const signal = cancellationOf(call);
  const state = await hub.waitForCompletion(instanceId, signal);
  if (!state) throw new RpcError(status.CANCELLED, `Stopped waiting for instance '${instanceId}' to complete: the call was cancelled or the emulator is stopping.`);
  return instanceResponse(state, request.getGetinputsandoutputs());
}

export async function raiseEvent(hub: TaskHub, request: pb.RaiseEventRequest): Promise<pb.RaiseEventResponse> {
  if (!request.getName()) throw invalidArgument('name', 'is required: the name of the event to raise.');
  await hub.raiseEvent(requiredInstanceId(request.getInstanceid()), request.getName(), fromStringValue(request.getInput()));
  return new pb.RaiseEventResponse();
}

export async function terminateInstance(hub: TaskHub, request: pb.TerminateRequest): Promise<pb.TerminateResponse> {
  await hub.terminate(requiredInstanceId(request.getInstanceid()), fromStringValue(request.getOutput()), { recursive: request.getRecursive() });
  return new pb.TerminateResponse();
}

export async function suspendInstance(hub: TaskHub, request: pb.SuspendRequest): Promise<pb.SuspendResponse> {
  await hub.suspend(requiredInstanceId(request.getInstanceid()), fromStringValue(request.getReason()));
  return new pb.SuspendResponse();
}

export async function resumeInstance(hub: TaskHub, request: pb.ResumeRequest): Promise<pb.ResumeResponse> {
  await hub.resume(requiredInstanceId(request.getInstanceid()), fromStringValue(request.getReason()));
  return new pb.ResumeResponse();
}

export async function rewindInstance(hub: TaskHub, request: pb.RewindInstanceRequest): Promise<pb.RewindInstanceResponse> {
  await hub.rewind(requiredInstanceId(request.getInstanceid()), fromStringValue(request.getReason()));
  return new pb.RewindInstanceResponse();
}

export async function restartInstance(hub: TaskHub, request: pb.RestartInstanceRequest): Promise<pb.RestartInstanceResponse> {
  const instanceId = await hub.restart(requiredInstanceId(request.getInstanceid()), { newInstanceId: request.getRestartwithnewinstanceid() });
  return new pb.RestartInstanceResponse().setInstanceid(instanceId);
}

export async function queryInstances(hub: TaskHub, request: pb.QueryInstancesRequest): Promise<pb.QueryInstancesResponse> {
  const query = request.getQuery() ?? new pb.InstanceQuery();
  const page = await hub.queryOrchestrations({
    instanceIdPrefix: fromStringValue(query.getInstanceidprefix()) || undefined,
    createdFrom: fromTimestamp(query.getCreatedtimefrom()),
    createdTo: fromTimestamp(query.getCreatedtimeto()),
    statuses: optionalStatuses(query.getRuntimestatusList(), 'query.runtimeStatus'),
    pageSize: query.getMaxinstancecount() > 0 ? query.getMaxinstancecount() : DEFAULT_QUERY_PAGE,
    continuationToken: fromStringValue(query.getContinuationtoken()) || undefined,
  });
  return new pb.QueryInstancesResponse()
    .setOrchestrationstateList(page.items.map((state) => toProtoOrchestrationState(state, query.getFetchinputsandoutputs())))
    .setContinuationtoken(toStringValue(page.continuationToken));
}

export async function listInstanceIds(hub: TaskHub, request: pb.ListInstanceIdsRequest): Promise<pb.ListInstanceIdsResponse> {
  const from = fromTimestamp(request.getCompletedtimefrom());
  const to = fromTimestamp(request.getCompletedtimeto());
  const page = await hub.queryOrchestrations({
    statuses: optionalStatuses(request.getRuntimestatusList(), 'runtimeStatus'),
    pageSize: request.getPagesize() > 0 ? request.getPagesize() : DEFAULT_QUERY_PAGE,
    continuationToken: fromStringValue(request.getLastinstancekey()) || undefined,
  });
  // The completed-time window applies within the page, as the backends index instances by id, not completion.
  const ids = page.items.filter((state) => (!from && !to) || (state.completedAt !== undefined && (!from || state.completedAt >= from) && (!to || state.completedAt <= to)));
  return new pb.ListInstanceIdsResponse().setInstanceidsList(ids.map((state) => state.instanceId)).setLastinstancekey(toStringValue(page.continuationToken));
}

export async function purgeInstances(hub: TaskHub, request: pb.PurgeInstancesRequest): Promise<pb.PurgeInstancesResponse> {
  const recursive = request.getRecursive();
  let deleted = 0;
  switch (request.getRequestCase()) {
    case pb.PurgeInstancesRequest.RequestCase.INSTANCEID:
      deleted = await purgeTree(hub, request.getInstanceid(), recursive);
      break;
    case pb.PurgeInstancesRequest.RequestCase.INSTANCEBATCH: {
      const ids = request.getInstancebatch()!.getInstanceidsList();
      if (ids.length > MAX_PURGE_BATCH) throw invalidArgument('instanceBatch.instanceIds', `holds ${ids.length} ids; send at most ${MAX_PURGE_BATCH} per call.`);
      for (const id of ids) deleted += await purgeTree(hub, id, recursive);
      break;
    }
    case pb.PurgeInstancesRequest.RequestCase.PURGEINSTANCEFILTER: {
      const filter = request.getPurgeinstancefilter()!;
      deleted = await hub.purgeBy({
        createdFrom: fromTimestamp(filter.getCreatedtimefrom()),
        createdTo: fromTimestamp(filter.getCreatedtimeto()),
        statuses: optionalStatuses(filter.getRuntimestatusList(), 'purgeInstanceFilter.runtimeStatus'),
      });
      break;
    }
    case pb.PurgeInstancesRequest.RequestCase.REQUEST_NOT_SET:
      throw invalidArgument('request', 'is not set: give instanceId, purgeInstanceFilter or instanceBatch.');
  }
  return new pb.PurgeInstancesResponse().setDeletedinstancecount(deleted).setIscomplete(new BoolValue().setValue(true));
}

/** Purges an instance and, when recursive, the sub-orchestrations its history created (children first). */
async function purgeTree(hub: TaskHub, instanceId: string, recursive: boolean): Promise<number> {
  requiredInstanceId(instanceId);
  let deleted = 0;
  if (recursive) {
    const state = await hub.getOrchestration(instanceId, { includeHistory: true });
    if (state && isTerminal(state.status)) {
      for (const event of state.history ?? []) {
        if (event.type === 'subOrchestrationInstanceCreated') deleted += await purgeTree(hub, event.instanceId, true);
      }
    }
  }
  return deleted + (await hub.purge(instanceId));
}

export async function signalEntity(hub: TaskHub, request: pb.SignalEntityRequest): Promise<pb.SignalEntityResponse> {
  if (!request.getName()) throw invalidArgument('name', 'is required: the operation to signal.');
  await hub.signalEntity(requiredEntityId(request.getInstanceid()), request.getName(), fromStringValue(request.getInput()), {
    scheduledTime: fromTimestamp(request.getScheduledtime()),
  });
  return new pb.SignalEntityResponse();
}

export async function getEntity(hub: TaskHub, request: pb.GetEntityRequest): Promise<pb.GetEntityResponse> {
  const entity = await hub.getEntity(requiredEntityId(request.getInstanceid()));
  const response = new pb.GetEntityResponse().setExists(entity !== undefined);
  return entity ? response.setEntity(toProtoEntityMetadata(entity, request.getIncludestate())) : response;
}

export async function queryEntities(hub: TaskHub, request: pb.QueryEntitiesRequest): Promise<pb.QueryEntitiesResponse> {
  const query = request.getQuery() ?? new pb.EntityQuery();
  const pageSize = query.getPagesize()?.getValue();
  const page = await hub.queryEntities({
    instanceIdPrefix: fromStringValue(query.getInstanceidstartswith()) || undefined,
    lastModifiedFrom: fromTimestamp(query.getLastmodifiedfrom()),
    lastModifiedTo: fromTimestamp(query.getLastmodifiedto()),
    includeState: query.getIncludestate(),
    pageSize: pageSize && pageSize > 0 ? pageSize : DEFAULT_QUERY_PAGE,
    continuationToken: fromStringValue(query.getContinuationtoken()) || undefined,
  });
  return new pb.QueryEntitiesResponse()
    .setEntitiesList(page.items.map((entity) => toProtoEntityMetadata(entity, query.getIncludestate())))
    .setContinuationtoken(toStringValue(page.continuationToken));
}

export async function cleanEntityStorage(hub: TaskHub, request: pb.CleanEntityStorageRequest): Promise<pb.CleanEntityStorageResponse> {
  const result = await hub.cleanEntityStorage({
    removeEmptyEntities: request.getRemoveemptyentities(),
    releaseOrphanedLocks: request.getReleaseorphanedlocks(),
    continuationToken: fromStringValue(request.getContinuationtoken()) || undefined,
  });
  return new pb.CleanEntityStorageResponse()
    .setEmptyentitiesremoved(result.emptyEntitiesRemoved)
    .setOrphanedlocksreleased(result.orphanedLocksReleased)
    .setContinuationtoken(toStringValue(result.continuationToken));
}

// --- Request checks

function requiredInstanceId(instanceId: string): string {
  if (!instanceId) throw invalidArgument('instanceId', 'is required.');
  return instanceId;
}

function requiredEntityId(instanceId: string): string {
  if (!/^@[^@]+@/.test(instanceId)) throw invalidArgument('instanceId', `'${instanceId}' is not an entity id; expected "@<name>@<key>".`);
  return instanceId;
}

function statusesOf(values: pb.OrchestrationStatus[], field: string): RuntimeStatus[] {
  return values.map((value) => {
    try {
      return fromProtoStatus(value);
    } catch {
      throw invalidArgument(field, `holds ${value}, which is not an orchestration status (0–7).`);
    }
  });
}

function optionalStatuses(values: pb.OrchestrationStatus[], field: string): RuntimeStatus[] | undefined {
  return values.length === 0 ? undefined : statusesOf(values, field);
}

function instanceResponse(state: OrchestrationState | undefined, includePayloads: boolean): pb.GetInstanceResponse {
  const response = new pb.GetInstanceResponse().setExists(state !== undefined);
  return state ? response.setOrchestrationstate(toProtoOrchestrationState(state, includePayloads)) : response;
}

/** Aborts when the client cancels the call or its deadline passes. */
function cancellationOf(call: ServerUnaryCall<unknown, unknown>): AbortSignal {
  const controller = new AbortController();
  if (call.cancelled) controller.abort();
  call.once('cancelled', () => controller.abort());
  return controller.signal;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(new RpcError(status.CANCELLED, 'The call was cancelled or its deadline passed.'));
    };
    if (signal.aborted) return cancelled();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', cancelled);
      resolve();
    }, ms);
    signal.addEventListener('abort', cancelled, { once: true });
  });
}
