// The task hub that runs the engine in this process over any Backend (memory, Azure Storage). Client operations
// follow the Durable extension's rules (specs/durable-functions-protocol.md §7): a new start may replace only a
// finished instance; raising, terminating, suspending or resuming needs an instance that exists and has not
// finished; only a Failed instance can be rewound. The work side lives in EngineWorkSource.

import {
  DEFAULT_MAX_ENTITY_BATCH_SIZE,
  TERMINAL_STATUSES,
  clientVisibleHistory,
  inboundEvent,
  instanceIdProblem,
  isEntityInstanceId,
  isTerminal,
  isoTime,
  newInstanceId,
  parseSchedulerId,
  silentLogger,
  systemClock,
  toSchedulerId,
  unlockMessage,
  type ActivityResult,
  type Clock,
  type EngineContext,
  type EntityBatchResult,
  type EventBody,
  type InstanceRecord,
  type Logger,
  type OrchestratorResult,
  type RuntimeStatus,
  type WorkItem,
  type WorkItemKind,
} from '../../core';
import type { Backend } from '../../backends';
import { InstanceNotFoundError, InvalidInstanceStateError, OperationNotApplicableError } from '../errors';
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
import { EngineWorkSource } from './engine-work-source';
import { InstanceChangeSignal } from './instance-change-signal';
import { entityState, orchestrationState } from './instance-views';

export interface LocalTaskHubOptions {
  backend: Backend;
  /** The same clock the backend uses. Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** The task hub name (host.json `extensions.durableTask.hubName`). */
  name?: string;
  /** Most operations in one entity batch. */
  maxEntityBatchSize?: number;
  /** How often waitForCompletion re-reads storage for commits made by other processes (real ms, default 1 s). */
  completionPollMs?: number;
}

const DEFAULT_COMPLETION_POLL_MS = 1000;

/** cleanEntityStorage looks at this many entities per call. */
const CLEAN_ENTITY_PAGE_SIZE = 100;

export class LocalTaskHub implements TaskHub {
  readonly name: string;
  private readonly backend: Backend;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxEntityBatchSize: number;
  private readonly completionPollMs: number;
  private readonly changes = new InstanceChangeSignal();
  private readonly work: EngineWorkSource;
  private running = false;

  constructor(options: LocalTaskHubOptions) {
    this.backend = options.backend;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.name = options.name ?? 'default';
    this.maxEntityBatchSize = options.maxEntityBatchSize ?? DEFAULT_MAX_ENTITY_BATCH_SIZE;
    this.completionPollMs = options.completionPollMs ?? DEFAULT_COMPLETION_POLL_MS;
    this.work = new EngineWorkSource({
      backend: this.backend,
      logger: this.logger,
      context: () => this.engineContext(),
      ended: (instanceId) => this.changes.notify(instanceId),
    });
  }

  async start(): Promise<void> {
    await this.backend.start();
    this.work.start();
    this.running = true;
  }

  /** Stops handing out work, gives back what workers still hold, and stops the backend. */
  async stop(): Promise<void> {
    this.running = false;
    await this.work.stop();
    this.changes.notifyAll();
    await this.backend.stop();
  }

  private engineContext(): EngineContext {
    return { now: this.clock.now(), logger: this.logger, newId: newInstanceId, maxEntityBatchSize: this.maxEntityBatchSize };
  }

  private now(): string {
    return isoTime(this.clock.now());
  }

  // --- Orchestrations

  async startOrchestration(options: StartOrchestrationOptions): Promise<string> {
    const instanceId = options.instanceId || newInstanceId();
    const problem = instanceIdProblem(instanceId);
    if (problem) throw new RangeError(problem);
    const now = this.clock.now();
    const scheduled = options.scheduledStartAt ? Date.parse(options.scheduledStartAt) : Number.NaN;
    // A start time at or before now (the DTS JS client always sends one, epoch 0 for "now") means start at once.
    const scheduledStartAt = scheduled > now ? isoTime(scheduled) : undefined;
    const executionId = newInstanceId();
    const createdAt = isoTime(now);
    const record: InstanceRecord = {
      instanceId,
      name: options.name,
      version: options.version,
      executionId,
      status: 'Pending',
      createdAt,
      lastUpdatedAt: createdAt,
      scheduledStartAt,
      input: options.input,
      tags: options.tags,
    };
    const start = inboundEvent(
      {
        type: 'executionStarted',
        name: options.name,
        version: options.version,
        input: options.input,
        orchestrationInstance: { instanceId, executionId },
        scheduledStartTimestamp: scheduledStartAt,
        tags: options.tags,
      },
      createdAt,
    );
    await this.backend.createInstance(record, { instanceId, event: start, visibleAt: scheduledStartAt ? scheduled : undefined }, { replaceableStatuses: options.replaceableStatuses ?? TERMINAL_STATUSES });
    return instanceId;
  }

  async getOrchestration(instanceId: string, options?: { includeHistory?: boolean }): Promise<OrchestrationState | undefined> {
    if (isEntityInstanceId(instanceId)) return undefined;
    const record = await this.backend.getInstance(instanceId);
    if (!record) return undefined;
    const state = orchestrationState(record);
    if (options?.includeHistory) state.history = clientVisibleHistory(await this.backend.getHistory(instanceId));
    return state;
  }

  async queryOrchestrations(query: OrchestrationQuery): Promise<Page<OrchestrationState>> {
    const page = await this.backend.queryInstances({ ...query, kind: 'orchestration' });
    return { items: page.instances.map(orchestrationState), continuationToken: page.continuationToken };
  }

  countOrchestrations(filter: OrchestrationFilter): Promise<StatusCounts> {
    return this.backend.countInstances({ ...filter, kind: 'orchestration' });
  }

  async raiseEvent(instanceId: string, eventName: string, input?: string): Promise<void> {
    await this.sendToActive(instanceId, 'raise an event for', { type: 'eventRaised', name: eventName, input });
  }

  async terminate(instanceId: string, reason?: string, options?: { recursive?: boolean }): Promise<void> {
    await this.sendToActive(instanceId, 'terminate', { type: 'executionTerminated', input: reason, recurse: options?.recursive });
  }

  async suspend(instanceId: string, reason?: string): Promise<void> {
    await this.sendToActive(instanceId, 'suspend', { type: 'executionSuspended', input: reason }, (status) => status !== 'Suspended');
  }

  async resume(instanceId: string, reason?: string): Promise<void> {
    await this.sendToActive(instanceId, 'resume', { type: 'executionResumed', input: reason }, (status) => status === 'Suspended');
  }

  async rewind(instanceId: string, reason?: string): Promise<void> {
    const record = await this.orchestrationRecord(instanceId);
    if (record.status !== 'Failed') throw new InvalidInstanceStateError(instanceId, record.status, 'rewind');
    await this.backend.sendMessages([{ instanceId, event: inboundEvent({ type: 'executionRewound', reason }, this.now()) }]);
  }

  async restart(instanceId: string, options?: { newInstanceId?: boolean }): Promise<string> {
    const record = await this.orchestrationRecord(instanceId);
    return this.startOrchestration({
      name: record.name,
      version: record.version,
      input: record.input,
      tags: record.tags,
      instanceId: options?.newInstanceId ? undefined : instanceId,
    });
  }

  async purge(instanceId: string): Promise<number> {
    // An entity is purged whatever it is doing, as on the extension; clients may give its name in any casing (§4.1).
    if (isEntityInstanceId(instanceId)) return (await this.backend.purgeInstance(toSchedulerId(parseSchedulerId(instanceId)))) ? 1 : 0;
    const record = await this.backend.getInstance(instanceId);
    if (!record) return 0;
    if (!isTerminal(record.status)) throw new InvalidInstanceStateError(instanceId, record.status, 'purge');
    return (await this.backend.purgeInstance(instanceId)) ? 1 : 0;
  }

  purgeBy(filter: PurgeInstancesFilter): Promise<number> {
    return this.backend.purgeInstances(filter);
  }

  async waitForCompletion(instanceId: string, signal?: AbortSignal): Promise<OrchestrationState | undefined> {
    let ended = true;
    let readInEpoch: number | undefined;
    for (;;) {
      // Listen before reading, so a commit between the read and the wait is not missed.
      const next = this.changes.next(instanceId, this.completionPollMs, signal);
      // While this process makes every commit of the instance (Backend.localCommitsEpoch), only an ending commit of
      // this hub can end it: the periodic re-read is for commits of other processes, and costs a storage read.
      const epoch = this.backend.localCommitsEpoch?.(instanceId);
      if (ended || epoch === undefined || epoch !== readInEpoch) {
        readInEpoch = epoch;
        const state = await this.getOrchestration(instanceId);
        if (state && isTerminal(state.status)) return state;
      }
      ended = await next;
      if (signal?.aborted || !this.running) return undefined;
    }
  }

  // --- Entities

  async signalEntity(instanceId: string, operation: string, input?: string, options?: { scheduledTime?: string }): Promise<void> {
    // Clients may give the entity name in any casing; scheduler ids lower-case it (§4.1).
    const targetInstanceId = toSchedulerId(parseSchedulerId(instanceId));
    const scheduled = options?.scheduledTime ? Date.parse(options.scheduledTime) : Number.NaN;
    const scheduledTime = scheduled > this.clock.now() ? isoTime(scheduled) : undefined;
    const signal = inboundEvent({ type: 'entityOperationSignaled', requestId: newInstanceId(), operation, input, scheduledTime, targetInstanceId }, this.now());
    await this.backend.sendMessages([{ instanceId: targetInstanceId, event: signal, visibleAt: scheduledTime ? scheduled : undefined }]);
  }

  async getEntity(instanceId: string): Promise<EntityState | undefined> {
    const record = await this.backend.getInstance(toSchedulerId(parseSchedulerId(instanceId)));
    return record && entityState(record);
  }

  async queryEntities(query: EntityQuery): Promise<Page<EntityState>> {
    const page = await this.backend.queryInstances({
      instanceIdPrefix: query.instanceIdPrefix ?? '@',
      kind: 'entity',
      pageSize: query.pageSize,
      continuationToken: query.continuationToken,
    });
    const from = query.lastModifiedFrom ? Date.parse(query.lastModifiedFrom) : -Infinity;
    const to = query.lastModifiedTo ? Date.parse(query.lastModifiedTo) : Infinity;
    const items = page.instances
      .filter((record) => Date.parse(record.lastUpdatedAt) >= from && Date.parse(record.lastUpdatedAt) <= to)
      .flatMap((record) => entityState(record, query.includeState ?? true) ?? []);
    return { items, continuationToken: page.continuationToken };
  }

  /**
   * As the Durable extension's CleanEntityStorageAsync (DT.AzureStorage EntityBackendQueries): an entity with no
   * state, no lock and an empty queue is purged; a lock whose holder no longer exists or has finished is released
   * by the unlock that holder would have sent, so the entity scheduler frees it and runs what queued behind it.
   * A removed entity is not also counted as released. Like the extension's, the removal is not atomic with a signal
   * arriving at that moment: such a signal finds the entity gone with its inbox.
   */
  async cleanEntityStorage(request: CleanEntityStorageRequest): Promise<CleanEntityStorageResult> {
    const page = await this.backend.queryInstances({
      instanceIdPrefix: '@',
      kind: 'entity',
      pageSize: CLEAN_ENTITY_PAGE_SIZE,
      continuationToken: request.continuationToken,
    });
    let emptyEntitiesRemoved = 0;
    let orphanedLocksReleased = 0;
    for (const record of page.instances) {
      const entity = record.entity ?? { queue: [] };
      if (request.removeEmptyEntities && entity.state === undefined && entity.lockedBy === undefined && entity.queue.length === 0) {
        if (await this.backend.purgeInstance(record.instanceId)) emptyEntitiesRemoved++;
      } else if (request.releaseOrphanedLocks && entity.lockedBy !== undefined) {
        const holder = await this.backend.getInstance(entity.lockedBy);
        if (holder && !isTerminal(holder.status)) continue;
        await this.backend.sendMessages([unlockMessage(entity.lockedBy, entity.criticalSectionId ?? '', record.instanceId, this.now())]);
        orphanedLocksReleased++;
      }
    }
    return { emptyEntitiesRemoved, orphanedLocksReleased, continuationToken: page.continuationToken };
  }

  // --- Work items

  nextWorkItem(kinds: ReadonlySet<WorkItemKind>, signal?: AbortSignal): Promise<WorkItem | undefined> {
    return this.work.nextWorkItem(kinds, signal);
  }

  completeOrchestratorWorkItem(result: OrchestratorResult): Promise<void> {
    return this.work.completeOrchestratorWorkItem(result);
  }

  completeActivityWorkItem(result: ActivityResult): Promise<void> {
    return this.work.completeActivityWorkItem(result);
  }

  completeEntityWorkItem(result: EntityBatchResult): Promise<void> {
    return this.work.completeEntityWorkItem(result);
  }

  abandonWorkItem(item: WorkItem, reason: string, options?: { retryAfterMs?: number }): Promise<void> {
    return this.work.abandonWorkItem(item, reason, options?.retryAfterMs);
  }

  // --- Helpers of the client operations

  private async orchestrationRecord(instanceId: string): Promise<InstanceRecord> {
    const record = isEntityInstanceId(instanceId) ? undefined : await this.backend.getInstance(instanceId);
    if (!record) throw new InstanceNotFoundError(instanceId);
    return record;
  }

  /**
   * The HTTP API answers 404 for an unknown instance and 410 for a finished one (§7). An unfinished instance in a
   * status the operation does not apply to (suspending a Suspended one, resuming one that is not) is refused and
   * logged, as the extension's DurableClient.SuspendAsync/ResumeAsync do.
   */
  private async sendToActive(
    instanceId: string,
    action: 'raise an event for' | 'terminate' | 'suspend' | 'resume',
    body: EventBody<'eventRaised'> | EventBody<'executionTerminated'> | EventBody<'executionSuspended'> | EventBody<'executionResumed'>,
    applies: (status: RuntimeStatus) => boolean = () => true,
  ): Promise<void> {
    const record = await this.orchestrationRecord(instanceId);
    if (isTerminal(record.status)) throw new InvalidInstanceStateError(instanceId, record.status, action);
    if (!applies(record.status)) {
      const refusal = new OperationNotApplicableError(instanceId, record.status, action);
      this.logger.warn(`Instance '${instanceId}' of '${record.name}': ${refusal.message}`);
      throw refusal;
    }
    await this.backend.sendMessages([{ instanceId, event: inboundEvent(body, this.now()) }]);
  }
}
