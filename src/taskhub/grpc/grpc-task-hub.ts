// The task hub of the `azureManaged` storage provider: a Durable Task Scheduler (or `durable-runtime emulator`)
// over TaskHubSidecarService (specs/backends.md Part B). Client operations are unary calls; the worker side is
// one GetWorkItems stream (opened when the worker first asks for work) whose items wait in a buffer until the
// worker takes them. Client operations keep the Durable extension's rules that the local task hub keeps
// (specs/durable-functions-protocol.md §7): the extension reads the status first, so raising, terminating,
// suspending or resuming a finished instance is refused here whatever the server would do.

import type { ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { status as Status } from '@grpc/grpc-js';
import type { TokenCredential } from '@azure/identity';
import {
  TERMINAL_STATUSES,
  errorMessage,
  instanceIdProblem,
  isEntityInstanceId,
  isTerminal,
  isoTime,
  newInstanceId,
  parseSchedulerId,
  silentLogger,
  systemClock,
  toSchedulerId,
  type ActivityResult,
  type Clock,
  type EntityBatchResult,
  type HistoryEvent,
  type Logger,
  type OrchestratorResult,
  type RuntimeStatus,
  type WorkItem,
  type WorkItemKind,
} from '../../core';
import {
  Empty,
  fromProtoHistoryEvent,
  fromProtoOrchestrationState,
  fromProtoEntityMetadata,
  fromProtoWorkItem,
  pb,
  toProtoActivityResponse,
  toProtoEntityBatchResult,
  toProtoOrchestratorResponse,
  toProtoStatus,
  toStringValue,
  toTimestamp,
  Int32Value,
} from '../../scheduler-protocol';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, NotSupportedError, OperationNotApplicableError } from '../errors';
import type {
  CleanEntityStorageRequest,
  CleanEntityStorageResult,
  EntityQuery,
  EntityState,
  OrchestrationFilter,
  OrchestrationQuery,
  OrchestrationState,
  Page,
  PurgeInstancesFilter,
  StartOrchestrationOptions,
  StatusCounts,
  TaskHub,
} from '../task-hub';
import { CallMetadata, newWorkerId, type SchedulerRole } from './call-metadata';
import type { SchedulerConnection } from './connection-string';
import { openSidecarClient, type SidecarClient } from './scheduler-channel';
import { countInstances, purgeInstances, queryInstances, type InstanceServer } from './instance-queries';
import { createSchedulerCredential, SchedulerTokenSource } from './scheduler-credential';
import { describeSchedulerFailure, grpcStatusOf, SchedulerConnectionError, type SchedulerTarget } from './scheduler-errors';
import { WorkItemBuffer } from './work-item-buffer';
import { WorkItemStream } from './work-item-stream';

export interface GrpcTaskHubOptions {
  connection: SchedulerConnection;
  /** The task hub name (resolveSchedulerTaskHub). */
  taskHub: string;
  /** The app setting the connection string came from, for messages. */
  settingName?: string;
  /** Overrides the credential `Authentication=` names (tests). */
  credential?: TokenCredential;
  /** The most work items of each kind the worker runs at once (host.json maxConcurrent*Functions), announced to the Scheduler. */
  concurrency?: { orchestrator: number; activity: number; entity: number };
  logger?: Logger;
  clock?: Clock;
  /** `x-user-agent` product, e.g. "durable-runtime/0.1.0". */
  userAgent?: string;
  /** Reconnect the work-item stream when nothing arrives for this long (default 120 s, B4.7). */
  silenceTimeoutMs?: number;
  /** How long start() waits for the Scheduler to answer (default 10 s). */
  connectTimeoutMs?: number;
}

/** waitForCompletion asks again at least this often, so a dropped long poll never hangs a caller. */
const WAIT_POLL_DEADLINE_MS = 30_000;

export class GrpcTaskHub implements TaskHub {
  readonly name: string;
  /** The Scheduler lists in its own order (B2): `descending` is refused, and the dashboard hides the choice. */
  readonly ordersByCreation = false;
  private readonly client: SidecarClient;
  private readonly metadata: CallMetadata;
  private readonly target: SchedulerTarget;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly buffer = new WorkItemBuffer();
  private readonly stopping = new AbortController();
  private stream: WorkItemStream | undefined;

  constructor(private readonly options: GrpcTaskHubOptions) {
    const { connection, taskHub } = options;
    this.name = taskHub;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.target = { endpoint: connection.endpoint, taskHub, settingName: options.settingName };
    const userAgent = options.userAgent ?? 'durable-runtime';
    const credential = options.credential ?? createSchedulerCredential(connection);
    const tokens = credential && new SchedulerTokenSource(credential, `Authentication=${connection.authentication}${options.settingName ? ` in ${options.settingName}` : ''}`);
    this.metadata = new CallMetadata({ taskHub, userAgent, tokens, workerId: newWorkerId() });
    this.client = openSidecarClient(connection, userAgent);
  }

  /** Checks that the Scheduler answers and has the task hub, so a wrong setting fails start-up with one clear message. */
  async start(): Promise<void> {
    const deadline = Date.now() + (this.options.connectTimeoutMs ?? 10_000);
    try {
      await this.unary<Empty>((metadata, done) => this.client.hello(new Empty(), metadata, { deadline }, done), 'DurableTaskClient');
      // A hub-scoped read: an unknown task hub answers NOT_FOUND here rather than later on the stream.
      await this.unary<pb.GetInstanceResponse>(
        (metadata, done) => this.client.getInstance(new pb.GetInstanceRequest().setInstanceid(`probe-${newInstanceId()}`), metadata, { deadline }, done),
        'DurableTaskClient',
      );
    } catch (error) {
      this.client.close();
      if (error instanceof SchedulerConnectionError) throw error;
      throw new SchedulerConnectionError(describeSchedulerFailure(error, this.target), grpcStatusOf(error));
    }
  }

  /** Stops the stream, gives back the work items nobody took, and closes the channel. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.stream?.stop();
    const untaken = this.buffer.close();
    await Promise.allSettled(untaken.map((item) => this.abandonWorkItem(item, 'the worker is stopping')));
    this.client.close();
  }

  // --- Orchestrations

  async startOrchestration(options: StartOrchestrationOptions): Promise<string> {
    const instanceId = options.instanceId || newInstanceId();
    const problem = instanceIdProblem(instanceId);
    if (problem) throw new RangeError(problem);
    const request = new pb.CreateInstanceRequest()
      .setInstanceid(instanceId)
      .setName(options.name)
      .setVersion(toStringValue(options.version))
      .setInput(toStringValue(options.input))
      .setScheduledstarttimestamp(toTimestamp(options.scheduledStartAt))
      // The extension's default: a new start may replace only a finished instance (§7).
      .setOrchestrationidreusepolicy(new pb.OrchestrationIdReusePolicy().setReplaceablestatusList((options.replaceableStatuses ?? TERMINAL_STATUSES).map(toProtoStatus)))
      .setRequesttime(toTimestamp(isoTime(this.clock.now())));
    for (const [key, value] of Object.entries(options.tags ?? {})) request.getTagsMap().set(key, value);
    try {
      const response = await this.unary<pb.CreateInstanceResponse>((metadata, done) => this.client.startInstance(request, metadata, done));
      return response.getInstanceid() || instanceId;
    } catch (error) {
      if (grpcStatusOf(error) === Status.ALREADY_EXISTS) {
        const existing = await this.getOrchestration(instanceId);
        throw new InstanceExistsError(instanceId, existing?.status ?? 'Running');
      }
      throw this.clientError(error);
    }
  }

  async getOrchestration(instanceId: string, options?: { includeHistory?: boolean }): Promise<OrchestrationState | undefined> {
    if (isEntityInstanceId(instanceId)) return undefined;
    const response = await this.call<pb.GetInstanceResponse>((metadata, done) =>
      this.client.getInstance(new pb.GetInstanceRequest().setInstanceid(instanceId).setGetinputsandoutputs(true), metadata, done),
    );
    const message = response.getExists() ? response.getOrchestrationstate() : undefined;
    if (!message) return undefined;
    const state: OrchestrationState = fromProtoOrchestrationState(message);
    if (options?.includeHistory) state.history = await this.history(instanceId);
    return state;
  }

  queryOrchestrations(query: OrchestrationQuery): Promise<Page<OrchestrationState>> {
    return queryInstances(this.instances, query);
  }

  countOrchestrations(filter: OrchestrationFilter): Promise<StatusCounts> {
    return countInstances(this.instances, filter);
  }

  async raiseEvent(instanceId: string, eventName: string, input?: string): Promise<void> {
    await this.requireActive(instanceId, 'raise an event for');
    const request = new pb.RaiseEventRequest().setInstanceid(instanceId).setName(eventName).setInput(toStringValue(input));
    await this.call((metadata, done) => this.client.raiseEvent(request, metadata, done), instanceId, 'raise an event for');
  }

  async terminate(instanceId: string, reason?: string, options?: { recursive?: boolean }): Promise<void> {
    await this.requireActive(instanceId, 'terminate');
    const request = new pb.TerminateRequest().setInstanceid(instanceId).setOutput(toStringValue(reason)).setRecursive(options?.recursive ?? false);
    await this.call((metadata, done) => this.client.terminateInstance(request, metadata, done), instanceId, 'terminate');
  }

  async suspend(instanceId: string, reason?: string): Promise<void> {
    await this.requireActive(instanceId, 'suspend', (status) => status !== 'Suspended');
    const request = new pb.SuspendRequest().setInstanceid(instanceId).setReason(toStringValue(reason));
    await this.call((metadata, done) => this.client.suspendInstance(request, metadata, done), instanceId, 'suspend');
  }

  async resume(instanceId: string, reason?: string): Promise<void> {
    await this.requireActive(instanceId, 'resume', (status) => status === 'Suspended');
    const request = new pb.ResumeRequest().setInstanceid(instanceId).setReason(toStringValue(reason));
    await this.call((metadata, done) => this.client.resumeInstance(request, metadata, done), instanceId, 'resume');
  }

  async rewind(instanceId: string, reason?: string): Promise<void> {
    const state = await this.requireOrchestration(instanceId);
    if (state.status !== 'Failed') throw new InvalidInstanceStateError(instanceId, state.status, 'rewind');
    const request = new pb.RewindInstanceRequest().setInstanceid(instanceId).setReason(toStringValue(reason));
    await this.call((metadata, done) => this.client.rewindInstance(request, metadata, done), instanceId, 'rewind');
  }

  async restart(instanceId: string, options?: { newInstanceId?: boolean }): Promise<string> {
    const request = new pb.RestartInstanceRequest().setInstanceid(instanceId).setRestartwithnewinstanceid(options?.newInstanceId ?? false);
    const response = await this.call<pb.RestartInstanceResponse>((metadata, done) => this.client.restartInstance(request, metadata, done), instanceId, 'restart');
    return response.getInstanceid();
  }

  async purge(instanceId: string): Promise<number> {
    // An entity is purged whatever it is doing, named in any casing (as LocalTaskHub); an orchestration once finished.
    const entity = isEntityInstanceId(instanceId);
    if (!entity) {
      const state = await this.getOrchestration(instanceId);
      if (!state) return 0;
      if (!isTerminal(state.status)) throw new InvalidInstanceStateError(instanceId, state.status, 'purge');
    }
    const request = new pb.PurgeInstancesRequest()
      .setInstanceid(entity ? toSchedulerId(parseSchedulerId(instanceId)) : instanceId)
      .setIsorchestration(!entity);
    const response = await this.call<pb.PurgeInstancesResponse>((metadata, done) => this.client.purgeInstances(request, metadata, done), instanceId, 'purge');
    return response.getDeletedinstancecount();
  }

  purgeBy(filter: PurgeInstancesFilter): Promise<number> {
    return purgeInstances(this.instances, filter);
  }

  /** The Scheduler calls instance-queries.ts builds on. */
  private readonly instances: InstanceServer = {
    query: async (query) => {
      const instanceQuery = new pb.InstanceQuery()
        .setRuntimestatusList((query.statuses ?? []).map(toProtoStatus))
        .setCreatedtimefrom(toTimestamp(query.createdFrom))
        .setCreatedtimeto(toTimestamp(query.createdTo))
        .setMaxinstancecount(query.pageSize)
        .setContinuationtoken(toStringValue(query.continuationToken))
        .setInstanceidprefix(toStringValue(query.instanceIdPrefix))
        .setFetchinputsandoutputs(true);
      const response = await this.call<pb.QueryInstancesResponse>((metadata, done) =>
        this.client.queryInstances(new pb.QueryInstancesRequest().setQuery(instanceQuery), metadata, done),
      );
      return {
        items: response.getOrchestrationstateList().map((state) => fromProtoOrchestrationState(state)),
        continuationToken: response.getContinuationtoken()?.getValue() || undefined,
      };
    },
    purgeBatch: async (instanceIds) => {
      const request = new pb.PurgeInstancesRequest().setInstancebatch(new pb.InstanceBatch().setInstanceidsList(instanceIds)).setIsorchestration(true);
      const response = await this.call<pb.PurgeInstancesResponse>((metadata, done) => this.client.purgeInstances(request, metadata, done));
      return response.getDeletedinstancecount();
    },
    purgeFilter: async (filter) => {
      const purgeFilter = new pb.PurgeInstanceFilter()
        .setCreatedtimefrom(toTimestamp(filter.createdFrom))
        .setCreatedtimeto(toTimestamp(filter.createdTo))
        .setRuntimestatusList(filter.statuses.map(toProtoStatus));
      let deleted = 0;
      // The Scheduler may purge in slices; isComplete=false asks for another call (B2).
      for (;;) {
        const request = new pb.PurgeInstancesRequest().setPurgeinstancefilter(purgeFilter).setIsorchestration(true);
        const response = await this.call<pb.PurgeInstancesResponse>((metadata, done) => this.client.purgeInstances(request, metadata, done));
        deleted += response.getDeletedinstancecount();
        if (response.getIscomplete()?.getValue() !== false || response.getDeletedinstancecount() === 0) return deleted;
      }
    },
  };

  async waitForCompletion(instanceId: string, signal?: AbortSignal): Promise<OrchestrationState | undefined> {
    const request = new pb.GetInstanceRequest().setInstanceid(instanceId).setGetinputsandoutputs(true);
    while (!signal?.aborted && !this.stopping.signal.aborted) {
      let call: { cancel(): void } | undefined;
      const cancel = () => call?.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      this.stopping.signal.addEventListener('abort', cancel, { once: true });
      try {
        const response = await this.unary<pb.GetInstanceResponse>((metadata, done) => {
          call = this.client.waitForInstanceCompletion(request, metadata, { deadline: Date.now() + WAIT_POLL_DEADLINE_MS }, done);
          // The metadata is awaited before the call exists: an abort in between would otherwise go unheard.
          if (signal?.aborted || this.stopping.signal.aborted) call.cancel();
        });
        const message = response.getExists() ? response.getOrchestrationstate() : undefined;
        const state = message && fromProtoOrchestrationState(message);
        if (state && isTerminal(state.status)) return state;
        // Not created yet (the extension waits for it too): ask again in a while, not at once.
        if (!state) await abortableDelay(1000, signal, this.stopping.signal);
      } catch (error) {
        // A long poll that timed out, was cut, or asked about an instance not created yet: ask again.
        const code = grpcStatusOf(error);
        if (code !== Status.DEADLINE_EXCEEDED && code !== Status.CANCELLED && code !== Status.NOT_FOUND && code !== Status.UNAVAILABLE) throw this.clientError(error);
        if (code === Status.UNAVAILABLE || code === Status.NOT_FOUND) await abortableDelay(1000, signal, this.stopping.signal);
      } finally {
        signal?.removeEventListener('abort', cancel);
        this.stopping.signal.removeEventListener('abort', cancel);
      }
    }
    return undefined;
  }

  // --- Entities

  async signalEntity(instanceId: string, operation: string, input?: string, options?: { scheduledTime?: string }): Promise<void> {
    // Clients may give the entity name in any casing; scheduler ids lower-case it (§4.1).
    const targetInstanceId = toSchedulerId(parseSchedulerId(instanceId));
    const scheduled = options?.scheduledTime ? Date.parse(options.scheduledTime) : Number.NaN;
    const request = new pb.SignalEntityRequest()
      .setInstanceid(targetInstanceId)
      .setName(operation)
      .setInput(toStringValue(input))
      .setRequestid(newInstanceId())
      .setScheduledtime(scheduled > this.clock.now() ? toTimestamp(isoTime(scheduled)) : undefined)
      .setRequesttime(toTimestamp(isoTime(this.clock.now())));
    await this.call((metadata, done) => this.client.signalEntity(request, metadata, done));
  }

  async getEntity(instanceId: string): Promise<EntityState | undefined> {
    const request = new pb.GetEntityRequest().setInstanceid(toSchedulerId(parseSchedulerId(instanceId))).setIncludestate(true);
    const response = await this.call<pb.GetEntityResponse>((metadata, done) => this.client.getEntity(request, metadata, done));
    const entity = response.getExists() ? response.getEntity() : undefined;
    return entity && fromProtoEntityMetadata(entity);
  }

  async queryEntities(query: EntityQuery): Promise<Page<EntityState>> {
    const entityQuery = new pb.EntityQuery()
      .setInstanceidstartswith(toStringValue(query.instanceIdPrefix ?? '@'))
      .setLastmodifiedfrom(toTimestamp(query.lastModifiedFrom))
      .setLastmodifiedto(toTimestamp(query.lastModifiedTo))
      .setIncludestate(query.includeState ?? true)
      .setPagesize(query.pageSize === undefined ? undefined : new Int32Value().setValue(query.pageSize))
      .setContinuationtoken(toStringValue(query.continuationToken));
    const response = await this.call<pb.QueryEntitiesResponse>((metadata, done) => this.client.queryEntities(new pb.QueryEntitiesRequest().setQuery(entityQuery), metadata, done));
    return {
      items: response.getEntitiesList().map((entity) => fromProtoEntityMetadata(entity)),
      continuationToken: response.getContinuationtoken()?.getValue() || undefined,
    };
  }

  async cleanEntityStorage(request: CleanEntityStorageRequest): Promise<CleanEntityStorageResult> {
    const message = new pb.CleanEntityStorageRequest()
      .setRemoveemptyentities(request.removeEmptyEntities)
      .setReleaseorphanedlocks(request.releaseOrphanedLocks)
      .setContinuationtoken(toStringValue(request.continuationToken));
    const response = await this.call<pb.CleanEntityStorageResponse>((metadata, done) => this.client.cleanEntityStorage(message, metadata, done));
    return {
      emptyEntitiesRemoved: response.getEmptyentitiesremoved(),
      orphanedLocksReleased: response.getOrphanedlocksreleased(),
      continuationToken: response.getContinuationtoken()?.getValue() || undefined,
    };
  }

  // --- Work items

  nextWorkItem(kinds: ReadonlySet<WorkItemKind>, signal?: AbortSignal): Promise<WorkItem | undefined> {
    if (!this.stream && !this.stopping.signal.aborted) this.openStream();
    return this.buffer.take(kinds, signal);
  }

  async completeOrchestratorWorkItem(result: OrchestratorResult): Promise<void> {
    const response = toProtoOrchestratorResponse(result);
    await this.complete(result.instanceId, (metadata, done) => this.client.completeOrchestratorTask(response, metadata, done));
  }

  async completeActivityWorkItem(result: ActivityResult): Promise<void> {
    const response = toProtoActivityResponse(result);
    await this.complete(result.instanceId, (metadata, done) => this.client.completeActivityTask(response, metadata, done));
  }

  async completeEntityWorkItem(result: EntityBatchResult): Promise<void> {
    const response = toProtoEntityBatchResult(result);
    await this.complete(result.instanceId, (metadata, done) => this.client.completeEntityTask(response, metadata, done));
  }

  /**
   * NOT_FOUND means the Scheduler no longer holds the work item for this worker (its stream ended, or it went to
   * another worker): the result is dropped with a warning, as a lost lock is on the local task hub, and the item
   * runs again elsewhere. Anything else fails, so the worker gives the item back.
   */
  private async complete(instanceId: string, invoke: UnaryInvoker<pb.CompleteTaskResponse>): Promise<void> {
    try {
      await this.unary(invoke, 'DurableTaskWorker');
    } catch (error) {
      if (grpcStatusOf(error) !== Status.NOT_FOUND) throw error;
      this.logger.warn(`Lost the lock on '${instanceId}': the Scheduler no longer holds this work item (${(error as ServiceError).details}). Its result was dropped; it runs again.`);
    }
  }

  async abandonWorkItem(item: WorkItem, reason: string): Promise<void> {
    this.logger.debug(`Giving back the ${item.kind} work item for '${item.instanceId}': ${reason}`);
    await this.abandon(item.kind, item.completionToken);
  }

  private async abandon(kind: WorkItemKind, completionToken: string): Promise<void> {
    const role = 'DurableTaskWorker';
    switch (kind) {
      case 'orchestrator': {
        const request = new pb.AbandonOrchestrationTaskRequest().setCompletiontoken(completionToken);
        await this.unary((metadata, done) => this.client.abandonTaskOrchestratorWorkItem(request, metadata, done), role);
        return;
      }
      case 'activity': {
        const request = new pb.AbandonActivityTaskRequest().setCompletiontoken(completionToken);
        await this.unary((metadata, done) => this.client.abandonTaskActivityWorkItem(request, metadata, done), role);
        return;
      }
      case 'entity': {
        const request = new pb.AbandonEntityTaskRequest().setCompletiontoken(completionToken);
        await this.unary((metadata, done) => this.client.abandonTaskEntityWorkItem(request, metadata, done), role);
        return;
      }
    }
  }

  private openStream(): void {
    const limits = this.options.concurrency;
    this.stream = new WorkItemStream({
      client: this.client,
      metadata: this.metadata,
      target: this.target,
      request: () =>
        new pb.GetWorkItemsRequest()
          .setMaxconcurrentorchestrationworkitems(limits?.orchestrator ?? 0)
          .setMaxconcurrentactivityworkitems(limits?.activity ?? 0)
          .setMaxconcurrententityworkitems(limits?.entity ?? 0),
      onWorkItem: (message) => this.receive(message),
      // Items nobody took before the stream ended are the Scheduler's again; their tokens died with the stream.
      onDisconnect: () => void this.buffer.drain(),
      logger: this.logger,
      silenceTimeoutMs: this.options.silenceTimeoutMs,
    });
    this.stream.start();
  }

  private receive(message: pb.WorkItem): void {
    let item: WorkItem | undefined;
    try {
      item = fromProtoWorkItem(message);
    } catch (error) {
      // Give it back rather than drop it: another worker (or a newer runtime) may read it.
      const kind = KIND_OF_REQUEST[message.getRequestCase()];
      this.logger.error(`The Scheduler sent a ${kind ?? 'work'} item this runtime cannot read; it is given back: ${errorMessage(error)}`);
      if (kind) this.abandon(kind, message.getCompletiontoken()).catch((abandonError) => this.logger.error(`Giving it back failed: ${errorMessage(abandonError)}`));
      return;
    }
    if (item) this.buffer.put(item);
  }

  // --- Calls

  private async history(instanceId: string): Promise<HistoryEvent[]> {
    const metadata = await this.metadata.forCall('DurableTaskClient');
    const events: HistoryEvent[] = [];
    const stream: ClientReadableStream<pb.HistoryChunk> = this.client.streamInstanceHistory(new pb.StreamInstanceHistoryRequest().setInstanceid(instanceId), metadata);
    try {
      for await (const chunk of stream as AsyncIterable<pb.HistoryChunk>) events.push(...chunk.getEventsList().map(fromProtoHistoryEvent));
    } catch (error) {
      if (grpcStatusOf(error) === Status.NOT_FOUND) return [];
      throw this.clientError(error);
    }
    return events;
  }

  private async requireOrchestration(instanceId: string): Promise<OrchestrationState> {
    const state = await this.getOrchestration(instanceId);
    if (!state) throw new InstanceNotFoundError(instanceId);
    return state;
  }

  /**
   * The HTTP API answers 404 for an unknown instance and 410 for a finished one (§7); an unfinished instance in a
   * status the operation does not apply to is refused and logged, as LocalTaskHub and the extension do.
   */
  private async requireActive(instanceId: string, action: string, applies: (status: RuntimeStatus) => boolean = () => true): Promise<void> {
    const state = await this.requireOrchestration(instanceId);
    if (isTerminal(state.status)) throw new InvalidInstanceStateError(instanceId, state.status, action);
    if (!applies(state.status)) {
      const refusal = new OperationNotApplicableError(instanceId, state.status, action);
      this.logger.warn(`Instance '${instanceId}' of '${state.name}': ${refusal.message}`);
      throw refusal;
    }
  }

  /** A client call whose failures become the task hub's typed errors. */
  private async call<T = unknown>(invoke: UnaryInvoker<T>, instanceId?: string, action?: string): Promise<T> {
    try {
      return await this.unary(invoke);
    } catch (error) {
      throw this.clientError(error, instanceId, action);
    }
  }

  private clientError(error: unknown, instanceId?: string, action?: string): Error {
    const code = grpcStatusOf(error);
    const details = (error as ServiceError).details ?? errorMessage(error);
    if (instanceId !== undefined && code === Status.NOT_FOUND) return new InstanceNotFoundError(instanceId);
    if (instanceId !== undefined && code === Status.FAILED_PRECONDITION) return new InvalidInstanceStateError(instanceId, details, action ?? 'change');
    if (code === Status.UNIMPLEMENTED) return new NotSupportedError(`The Scheduler at ${this.target.endpoint} does not support this operation: ${details}`);
    if (code === Status.INVALID_ARGUMENT) return new RangeError(details);
    if (code === undefined) return error instanceof Error ? error : new Error(String(error));
    return new SchedulerConnectionError(describeSchedulerFailure(error, this.target), code);
  }

  private async unary<T>(invoke: UnaryInvoker<T>, role: SchedulerRole = 'DurableTaskClient'): Promise<T> {
    const metadata = await this.metadata.forCall(role);
    return new Promise<T>((resolve, reject) => invoke(metadata, (error, response) => (error ? reject(error) : resolve(response))));
  }
}

const KIND_OF_REQUEST: Partial<Record<pb.WorkItem.RequestCase, WorkItemKind>> = {
  [pb.WorkItem.RequestCase.ORCHESTRATORREQUEST]: 'orchestrator',
  [pb.WorkItem.RequestCase.ACTIVITYREQUEST]: 'activity',
  [pb.WorkItem.RequestCase.ENTITYREQUEST]: 'entity',
  [pb.WorkItem.RequestCase.ENTITYREQUESTV2]: 'entity',
};

type UnaryInvoker<T> = (metadata: Metadata, done: (error: ServiceError | null, response: T) => void) => void;

function abortableDelay(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      for (const signal of signals) signal?.removeEventListener('abort', finish);
      resolve();
    }
    for (const signal of signals) signal?.addEventListener('abort', finish, { once: true });
  });
}
