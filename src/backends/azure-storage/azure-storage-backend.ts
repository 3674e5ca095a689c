// The Backend over Azure Storage in the DurableTask.AzureStorage layout (specs/backends.md Part A): an instance's
// inbox is its control queue (FNV-1a partition), a work item is the messages of one instance from the control
// queues this worker leases, and a commit follows the DT.AS order — send messages, append history under the
// sentinel ETag, write the Instances row, delete the processed messages (A8.5).

import { randomUUID } from 'node:crypto';
import {
  silentLogger,
  systemClock,
  type ActivityTask,
  type Clock,
  type HistoryEvent,
  type InstanceRecord,
  type Logger,
  type OutboundMessage,
  type TaskMessage,
} from '../../core';
import type {
  ActivityWorkItemLease,
  Backend,
  CreateInstanceOptions,
  InboxMessage,
  InstanceCommit,
  InstancePage,
  InstanceQuery,
  StatusCounts,
  InstanceWorkItem,
  PurgeFilter,
} from '../backend';
import { InstanceExistsError, LockLostError } from '../errors';
import { checkPurgeFilter } from '../instance-filter';
import { DEFAULT_TUNING, type AzureStorageTuning } from './azure-storage-options';
import { ControlQueueDispatcher, type LockedBatch } from './control-queue-dispatcher';
import { partitionIndexOf } from './fnv1a';
import { HistoryConflictError, HistoryStore } from './history-store';
import { InstanceCheckpoints, currentHistory } from './instance-checkpoints';
import { InstanceStateCache, type InstanceState } from './instance-state-cache';
import { InstanceRowConflictError, InstanceStore, type StoredInstance } from './instance-store';
import { LargePayloadStore } from './large-payload-store';
import { admitMessage, deferDelayMs } from './message-admission';
import { dueTimeOf } from './message-due-time';
import { TablePartitionManager, defaultWorkerId, type PartitionListener } from './partition-manager';
import type { ScreenVerdict } from './queue-poller';
import { StorageClients } from './storage-clients';
import type { StorageConnection } from './storage-connection';
import { StorageUnavailableError } from './storage-errors';
import { TaskHubQueue, type ReceivedMessage, type SentMessage } from './task-hub-queue';
import { TaskHubResources } from './task-hub-names';
import { StorageTransactionCounter } from './transaction-counter';
import { withoutUndefined } from './without-undefined';
import { VisibilityKeeper } from './visibility-keeper';
import { WorkItemQueueReader } from './work-item-queue-reader';

export interface AzureStorageBackendOptions extends Partial<AzureStorageTuning> {
  connection: StorageConnection;
  hubName: string;
  clock?: Clock;
  logger?: Logger;
  /** Names this worker in partition leases; default `<host>-<pid>-<random>`. */
  workerId?: string;
  /** Counts every storage request; pass one to share it, or read `backend.transactions`. */
  transactionCounter?: StorageTransactionCounter;
  /**
   * How often the Instances index behind dashboard lists and counts is rebuilt from a full scan, which is how it
   * learns of instances other hosts purged (default 5 minutes; instance-index.ts).
   */
  indexRebuildIntervalMs?: number;
}

/** How long lockNextInstance / lockNextActivity wait for work when no signal ends the wait first. */
const MAX_LOCK_WAIT_MS = 30_000;

/**
 * A message that arrives at most this long before it is due waits in memory (it is still leased); one due later
 * goes back to the queue. Whole-second visibility makes messages arrive up to 1 s early; the rest is clock skew.
 */
const MAX_HOLD_MS = 5_000;

/** How long a purge by this process is remembered for dropping messages sent to the purged instance. */
const PURGE_MEMORY_MS = 10 * 60_000;

/** The receiving side of a started backend. */
interface WorkerParts {
  keeper: VisibilityKeeper;
  dispatcher: ControlQueueDispatcher;
  activityReader: WorkItemQueueReader;
  partitions: TablePartitionManager;
}

/** What this worker holds for one handed-out instance work item. */
interface HeldWorkItem {
  batch: LockedBatch;
  state: InstanceState;
  messages: Map<string, ReceivedMessage>;
}

export class AzureStorageBackend implements Backend {
  readonly description: string;
  readonly resources: TaskHubResources;
  readonly transactions: StorageTransactionCounter;
  readonly workerId: string;
  private readonly tuning: AzureStorageTuning;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly clients: StorageClients;
  private readonly payloads: LargePayloadStore;
  private readonly historyStore: HistoryStore;
  private readonly instanceStore: InstanceStore;
  private readonly controlQueues: TaskHubQueue[];
  private readonly workItemQueue: TaskHubQueue;
  private readonly poisonQueue: TaskHubQueue;
  private readonly cache: InstanceStateCache;
  private readonly checkpoints: InstanceCheckpoints;
  /** The receiving side, from start() to stop(); client operations work without it. */
  private worker?: WorkerParts;
  private readonly held = new Map<string, HeldWorkItem>();
  /** Instances this process purged lately, and when: messages sent to them before are dropped on arrival. */
  private readonly purged = new Map<string, number>();
  private readonly activityLeases = new Map<string, ReceivedMessage>();
  private started?: Promise<void>;

  constructor(options: AzureStorageBackendOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...withoutUndefined({ ...options }) };
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.resources = new TaskHubResources(options.hubName, this.tuning.partitionCount);
    this.transactions = options.transactionCounter ?? new StorageTransactionCounter();
    this.clients = new StorageClients(options.connection, this.transactions);
    this.description = `AzureStorage(${this.clients.description}, hub ${options.hubName})`;

    const r = this.resources;
    this.payloads = new LargePayloadStore(this.clients.container(r.largeMessageContainer), (name) => this.clients.blob(r.largeMessageContainer, name));
    this.historyStore = new HistoryStore(this.clients.table(r.historyTable), this.payloads);
    this.instanceStore = new InstanceStore(this.clients.table(r.instancesTable), this.payloads, options.hubName, {
      clock: this.clock,
      logger: this.logger,
      rebuildIntervalMs: options.indexRebuildIntervalMs,
    });
    const queue = (name: string) => new TaskHubQueue(name, this.clients.queue(name), this.payloads, this.tuning.maxVisibilityDelayMs);
    this.controlQueues = r.controlQueues.map(queue);
    this.workItemQueue = queue(r.workItemQueue);
    this.poisonQueue = queue(r.poisonQueue);
    this.cache = new InstanceStateCache(this.tuning.instanceCacheSize);
    this.checkpoints = new InstanceCheckpoints(this.historyStore, this.instanceStore, this.cache, this.logger);

    this.workerId = options.workerId ?? defaultWorkerId();
  }

  /** Control queues this worker currently leases (by index). */
  ownedPartitions(): number[] {
    return this.worker?.partitions.ownedPartitions() ?? [];
  }

  /**
   * While this worker leases the instance's control queue, every commit of the instance is made here (A13.1): the
   * epoch of that lease.
   */
  localCommitsEpoch(instanceId: string): number | undefined {
    return this.worker?.partitions.leaseEpoch(this.partitionOf(instanceId));
  }

  start(): Promise<void> {
    this.started ??= this.startOnce();
    return this.started;
  }

  private async startOnce(): Promise<void> {
    const r = this.resources;
    try {
      // The first request tells a wrong connection string or an unreachable account apart, once.
      await this.clients.table(r.historyTable).createTable({ abortSignal: AbortSignal.timeout(20_000) });
    } catch (error) {
      throw new StorageUnavailableError(this.clients.description, error);
    }
    await Promise.all([
      this.clients.table(r.instancesTable).createTable(),
      this.payloads.ensureContainer(),
      ...[...this.controlQueues, this.workItemQueue, this.poisonQueue].map((q) => q.ensureExists()),
    ]);
    const worker = this.createWorker();
    this.worker = worker;
    worker.keeper.start();
    worker.activityReader.start();
    await worker.partitions.start();
    this.logger.info(`${this.description}: worker ${this.workerId} started with ${r.partitionCount} partitions.`);
  }

  /** Gives up leases and hands back unprocessed messages; stored data stays, and start() may be called again. */
  async stop(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    const worker = this.worker;
    this.worker = undefined;
    this.started = undefined;
    if (!worker) return;
    await worker.partitions.stop();
    await Promise.all([worker.dispatcher.stop(), worker.activityReader.stop()]);
    worker.keeper.stop();
  }

  /** Deletes every table, queue and container of the task hub (stop the backend first). */
  async deleteTaskHub(): Promise<void> {
    await this.stop();
    const r = this.resources;
    await Promise.all([
      ...[r.historyTable, r.instancesTable, r.partitionsTable].map((name) => this.clients.table(name).deleteTable()),
      ...[...this.controlQueues, this.workItemQueue, this.poisonQueue].map((queue) => queue.deleteQueue()),
      this.payloads.deleteContainer(),
    ]);
    this.cache.deleteWhere(() => true);
    this.instanceStore.index.reset();
  }

  private createWorker(): WorkerParts {
    const keeper = new VisibilityKeeper(this.logger);
    const screen = (message: ReceivedMessage) => this.screen(message);
    const dispatcher = new ControlQueueDispatcher(this.controlQueues, keeper, screen, {
      batchSize: this.tuning.controlQueueBatchSize,
      bufferThreshold: this.tuning.controlQueueBufferThreshold,
      visibilityTimeoutMs: this.tuning.controlQueueVisibilityTimeoutMs,
      maxPollingIntervalMs: this.tuning.maxQueuePollingIntervalMs,
      drainTimeoutMs: this.tuning.leaseIntervalMs,
      logger: this.logger,
    });
    const activityReader = new WorkItemQueueReader(this.workItemQueue, keeper, screen, {
      visibilityTimeoutMs: this.tuning.workItemQueueVisibilityTimeoutMs,
      maxPollingIntervalMs: this.tuning.maxQueuePollingIntervalMs,
      logger: this.logger,
    });
    const inPartition = (partition: number) => (instanceId: string) => this.partitionOf(instanceId) === partition;
    const listener: PartitionListener = {
      acquired: (partition, expiredOwner) => {
        this.cache.deleteWhere(inPartition(partition));
        dispatcher.startPartition(partition);
        if (expiredOwner) {
          // The owner may have died holding messages; they are visible again within one visibility timeout of its
          // death, which was before now. Look then, not only when idle polling comes round (issue 12).
          dispatcher.wakeAfter(partition, this.tuning.controlQueueVisibilityTimeoutMs);
          activityReader.wakeAfter(this.tuning.workItemQueueVisibilityTimeoutMs);
        }
      },
      drain: (partition) => dispatcher.drainPartition(partition),
      released: (partition) => {
        this.cache.deleteWhere(inPartition(partition));
        void dispatcher.releasePartition(partition);
      },
    };
    const partitions = new TablePartitionManager(this.clients.table(this.resources.partitionsTable), this.resources.controlQueues, listener, {
      workerId: this.workerId,
      leaseIntervalMs: this.tuning.leaseIntervalMs,
      renewIntervalMs: this.tuning.leaseRenewIntervalMs,
      clock: this.clock,
      logger: this.logger,
    });
    return { keeper, dispatcher, activityReader, partitions };
  }

  // --- Client operations

  async createInstance(record: InstanceRecord, start: OutboundMessage, options: CreateInstanceOptions): Promise<void> {
    // A6.2: the message first; a worker defers it until the row below exists (message-admission.ts). Inserting
    // without reading first saves a transaction on every start; the row's ETag still makes the check atomic.
    const sent = await this.send(start);
    let existing: StoredInstance | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (existing && !options.replaceableStatuses.includes(existing.record.status)) break;
      try {
        const etag = await this.instanceStore.write(record, existing ? existing.generation + 1 : 0, existing?.etag);
        if (existing) this.checkpoints.forget(record.instanceId);
        else if (etag !== '*' && this.localCommitsEpoch(record.instanceId) !== undefined) this.checkpoints.rememberCreated(structuredClone(record), etag);
        return;
      } catch (error) {
        if (!(error instanceof InstanceRowConflictError)) throw error;
      }
      existing = await this.instanceStore.get(record.instanceId);
    }
    // Refused: take the start back, or a worker would hold it until it gives up on it.
    if (!(await sent.queue.withdraw(sent))) await this.worker?.dispatcher.discardMessage(sent.messageId);
    throw new InstanceExistsError(record.instanceId, existing?.record.status ?? 'Pending');
  }

  async sendMessages(messages: OutboundMessage[]): Promise<void> {
    await Promise.all(messages.map((message) => this.send(message)));
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return (await this.instanceStore.get(instanceId))?.record;
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    const [stored, history] = await Promise.all([this.instanceStore.get(instanceId), this.historyStore.read(instanceId)]);
    if (!stored || history.executionId !== stored.record.executionId) return [];
    return history.events;
  }

  queryInstances(query: InstanceQuery): Promise<InstancePage> {
    return this.instanceStore.query(query);
  }

  countInstances(query: Omit<InstanceQuery, 'descending' | 'pageSize' | 'continuationToken'>): Promise<StatusCounts> {
    return this.instanceStore.count(query);
  }

  async purgeInstance(instanceId: string): Promise<boolean> {
    if (!(await this.instanceStore.get(instanceId))) return false;
    await this.purge(instanceId);
    return true;
  }

  async purgeInstances(filter: PurgeFilter): Promise<number> {
    const checked = checkPurgeFilter(filter);
    if (!checked) return 0;
    // The query has just read the rows: purge them without reading each again.
    const instances = await this.instanceStore.matching(checked);
    for (const record of instances) await this.purge(record.instanceId);
    return instances.length;
  }

  private async purge(instanceId: string): Promise<void> {
    // A6.2: history, then blobs, then the Instances row.
    await this.historyStore.delete(instanceId);
    await this.payloads.deleteInstanceBlobs(instanceId);
    await this.instanceStore.delete(instanceId);
    this.cache.delete(instanceId);
    this.rememberPurge(instanceId);
    await this.worker?.dispatcher.discard(instanceId);
  }

  // --- Instance work items

  async lockNextInstance(signal?: AbortSignal): Promise<InstanceWorkItem | undefined> {
    for (;;) {
      const batch = await this.worker?.dispatcher.next(signal, MAX_LOCK_WAIT_MS);
      if (!batch) return undefined;
      try {
        const item = await this.prepare(batch);
        if (item) return item;
      } catch (error) {
        await this.handBack(batch.token, batch.messages, 0);
        // Rolling a half-written checkpoint forward lost to another writer: the row moved on, load it afresh.
        if (error instanceof InstanceRowConflictError) continue;
        throw error;
      }
    }
  }

  async completeInstance(item: InstanceWorkItem, commit: InstanceCommit): Promise<void> {
    if (commit.instance && commit.instance.instanceId !== item.instanceId) {
      throw new RangeError(`The commit for '${item.instanceId}' carries the record of '${commit.instance.instanceId}'; a work item may only write its own instance.`);
    }
    const held = this.held.get(item.lockToken);
    if (!held || !this.worker?.dispatcher.holds(item.lockToken)) {
      if (held) await this.handBack(item.lockToken, [...held.messages.values()], 0);
      throw new LockLostError(item.instanceId, 'this worker no longer owns its control queue');
    }
    const kept = new Set(commit.keepMessageIds ?? []);
    const processed = [...held.messages.values()].filter((m) => !kept.has(m.messageId));
    await this.worker?.keeper.settle(held.messages.values());
    try {
      await this.commit(item, held, commit, processed);
      await Promise.all(processed.map((m) => m.queue.delete(m)));
      this.worker?.keeper.drop(processed);
      this.release(item.lockToken, [...held.messages.values()].filter((m) => kept.has(m.messageId)));
    } catch (error) {
      await this.handBack(item.lockToken, [...held.messages.values()], 0);
      if (error instanceof HistoryConflictError) {
        this.logger.warn(`Split brain on '${item.instanceId}': another worker wrote its history since this work item started; its results are dropped and it will run again.`);
        throw new LockLostError(item.instanceId, 'another worker changed its history (ETag mismatch)');
      }
      if (error instanceof InstanceRowConflictError) {
        throw new LockLostError(item.instanceId, 'its Instances row changed meanwhile (the instance was replaced, purged or edited)');
      }
      throw error;
    }
  }

  async abandonInstance(item: InstanceWorkItem, delayMs = 0): Promise<void> {
    const held = this.held.get(item.lockToken);
    if (held) await this.handBack(item.lockToken, [...held.messages.values()], delayMs);
  }

  // --- Activity work items

  async lockNextActivity(signal?: AbortSignal): Promise<ActivityWorkItemLease | undefined> {
    for (;;) {
      const message = await this.worker?.activityReader.next(signal, MAX_LOCK_WAIT_MS);
      if (!message) return undefined;
      const { instanceId, executionId, event } = message.data!.message;
      if (event.type !== 'taskScheduled') {
        await this.park(message, `${event.type} does not belong on the work-item queue`);
        continue;
      }
      const lockToken = randomUUID();
      this.activityLeases.set(lockToken, message);
      const task: ActivityTask = { instanceId, executionId: executionId ?? '', event };
      return { task, messageId: message.messageId, dequeueCount: message.dequeueCount, lockToken };
    }
  }

  async completeActivity(lease: ActivityWorkItemLease, result: OutboundMessage): Promise<void> {
    const message = this.activityLeases.get(lease.lockToken);
    if (!message) throw new LockLostError(lease.task.instanceId, `activity message ${lease.messageId} is not leased by this worker`);
    const sender = { instanceId: lease.task.instanceId, executionId: lease.task.executionId };
    if (this.deliverResultLocally(message, result, sender)) {
      this.activityLeases.delete(lease.lockToken);
      return;
    }
    await this.worker?.keeper.settle([message]);
    // A8.6: the result first, then the work item; a crash in between runs the activity again.
    await this.send(result, sender);
    if (!(await this.workItemQueue.delete(message))) {
      this.logger.warn(`Activity '${lease.task.event.name}' of '${lease.task.instanceId}' outlived its message lease; another worker may run it again.`);
    }
    this.worker?.keeper.drop([message]);
    this.activityLeases.delete(lease.lockToken);
  }

  /**
   * When this worker reads the orchestration's control queue, the result goes to it in memory, carried by the
   * work-item message: the commit that consumes the result deletes the work item instead of a result message. That
   * saves the result's send, receive and delete (and a polling round trip), and the queues and tables see nothing
   * DT.AS would not write. Until that commit the work item stays invisible (renewed); should the result be handed
   * back, it is sent to the control queue then (task-hub-queue.ts setVisibility), and a crash runs the activity
   * again (A8.6 allows that; the duplicate result is ignored by replay or by the checkpoint's processed ids).
   */
  private deliverResultLocally(message: ReceivedMessage, result: OutboundMessage, sender: { instanceId: string; executionId: string }): boolean {
    const partition = this.partitionOf(result.instanceId);
    if (result.visibleAt !== undefined || !message.data) return false;
    const task = message.data;
    message.data = { ...message.data, message: taskMessage(result), sender, fromClient: false, dueTime: undefined, compressedBlobName: undefined };
    message.carriesResultTo = this.controlQueues[partition];
    if (this.worker?.dispatcher.deliverLocally(partition, message)) return true;
    message.carriesResultTo = undefined;
    message.data = task;
    return false;
  }

  async abandonActivity(lease: ActivityWorkItemLease, delayMs = 0): Promise<void> {
    const message = this.activityLeases.get(lease.lockToken);
    if (!message) return;
    this.activityLeases.delete(lease.lockToken);
    await this.worker?.keeper.settle([message]);
    this.worker?.keeper.drop([message]);
    await this.workItemQueue.setVisibility(message, delayMs);
  }

  // --- Internals

  private rememberPurge(instanceId: string): void {
    const now = this.clock.now();
    for (const [id, at] of this.purged) if (at < now - PURGE_MEMORY_MS) this.purged.delete(id);
    this.purged.set(instanceId, now);
  }

  private partitionOf(instanceId: string): number {
    return partitionIndexOf(instanceId, this.resources.partitionCount);
  }

  /**
   * Sends a message to its instance's control queue (A3); `sender` marks messages from orchestrations. If this
   * worker reads that queue, the queue wakes its reader when the message becomes visible (queue-poller.ts).
   */
  private async send(message: OutboundMessage, sender?: { instanceId: string; executionId: string }): Promise<SentMessage> {
    const partition = this.partitionOf(message.instanceId);
    return this.controlQueues[partition].send(taskMessage(message), message.visibleAt, this.clock.now(), sender);
  }

  /** Loads the instance's state, sorts out messages that cannot be processed yet, and registers the work item. */
  private async prepare(batch: LockedBatch): Promise<InstanceWorkItem | undefined> {
    // A client start means a client just wrote the Instances row: read it, not this worker's copy.
    const clientStart = batch.messages.some((m) => m.data!.fromClient && m.data!.message.event.type === 'executionStarted');
    const state = await this.checkpoints.load(batch.instanceId, { clientStart, clientMessagesOnly: batch.messages.every((m) => m.data!.fromClient) });
    const accepted: ReceivedMessage[] = [];
    const history = currentHistory(state);
    const alreadyProcessed = new Set(state.processedMessageIds);
    await Promise.all(
      batch.messages.map(async (message) => {
        const data = message.data!;
        if (alreadyProcessed.has(message.messageId)) {
          // The last checkpoint consumed it, but its worker stopped before deleting it (A8.5 d).
          this.worker?.keeper.drop([message]);
          await message.queue.delete(message);
          return;
        }
        const admission = admitMessage(data.message, {
          record: state.record,
          history,
          dequeueCount: message.dequeueCount,
          maxDequeueCount: this.tuning.maxDequeueCount,
          fromClient: data.fromClient,
          purgedAt: this.purged.get(batch.instanceId),
        });
        if (admission.verdict === 'accept') return void accepted.push(message);
        this.worker?.keeper.drop([message]);
        const what = `${data.message.event.type} message ${message.messageId} for '${batch.instanceId}'`;
        if (admission.verdict === 'discard') {
          this.logger.warn(`Discarding ${what}: ${admission.reason}.`);
          await message.queue.delete(message);
        } else {
          this.logger.debug(`Deferring ${what}: ${admission.reason}.`);
          await message.queue.setVisibility(message, deferDelayMs(message.dequeueCount));
        }
      }),
    );
    if (accepted.length === 0) {
      this.release(batch.token, []);
      return undefined;
    }
    // Admission ran concurrently: hand the accepted messages over in the order they were received.
    const admitted = new Set(accepted);
    const inOrder = batch.messages.filter((m) => admitted.has(m));
    this.held.set(batch.token, { batch, state, messages: new Map(inOrder.map((m) => [m.messageId, m])) });
    return {
      instanceId: batch.instanceId,
      instance: state.record,
      history,
      messages: inOrder.map((m): InboxMessage => ({ ...m.data!.message, messageId: m.messageId, dequeueCount: m.dequeueCount })),
      lockToken: batch.token,
    };
  }

  /** A8.5 a: outbound messages, before anything is written; then the checkpoint (b, c). */
  private async commit(item: InstanceWorkItem, held: HeldWorkItem, commit: InstanceCommit, processed: ReceivedMessage[]): Promise<void> {
    const sender = { instanceId: item.instanceId, executionId: commit.instance?.executionId ?? held.state.record?.executionId ?? '' };
    await Promise.all([
      ...commit.messages.map((message) => this.send(message, sender)),
      ...commit.activities.map((task) => this.workItemQueue.send(taskMessage(task), undefined, this.clock.now(), sender)),
    ]);
    await this.checkpoints.write(
      item.instanceId,
      held.state,
      commit,
      processed.map((m) => m.messageId),
    );
  }

  /**
   * Screens a received message: parks what cannot be read or kept failing, holds a message that arrived a moment
   * before it is due (queue visibility is whole seconds), and re-sends one whose long delay is not over (A11).
   */
  private async screen(message: ReceivedMessage): Promise<ScreenVerdict> {
    if (!message.data) {
      await this.park(message, `it cannot be read (${message.error?.message ?? 'unknown format'})`);
      return 'drop';
    }
    const due = message.data.dueTime ? Date.parse(message.data.dueTime) : dueTimeOf(message.data.message);
    const early = due === undefined ? 0 : due - this.clock.now();
    if (early > MAX_HOLD_MS) {
      await message.queue.send(message.data.message, due, this.clock.now(), message.data.sender);
      await message.queue.delete(message);
      return 'drop';
    }
    if (message.dequeueCount > this.tuning.maxDequeueCount) {
      await this.park(message, `it was received ${message.dequeueCount} times without being processed (maxDequeueCount ${this.tuning.maxDequeueCount})`);
      return 'drop';
    }
    return early > 0 ? { holdMs: early } : 'deliver';
  }

  /** Moves a message, byte for byte, to `{hub}-poison`, and says so naming the instance (issue: poison messages). */
  private async park(message: ReceivedMessage, reason: string): Promise<void> {
    await this.poisonQueue.sendText(message.text);
    await message.queue.delete(message);
    this.worker?.keeper.drop([message]);
    const instance = message.data?.message.instanceId;
    const what = message.data ? `${message.data.message.event.type} message for instance '${instance}'` : 'an unreadable message';
    this.logger.error(
      `Moved ${what} (id ${message.messageId}) from ${message.queue.name} to ${this.poisonQueue.name}: ${reason}. ` +
        `Fix the cause, then move the message back to ${message.queue.name} to retry it.`,
    );
  }

  /** Makes a work item's messages visible again after `delayMs` and ends its lock. */
  private async handBack(token: string, messages: ReceivedMessage[], delayMs: number): Promise<void> {
    await this.worker?.keeper.settle(messages);
    this.worker?.keeper.drop(messages);
    const held = this.held.get(token);
    if (held) this.cache.delete(held.batch.instanceId);
    await Promise.all(messages.map((m) => m.queue.setVisibility(m, delayMs).catch(() => false)));
    this.release(token, []);
  }

  private release(token: string, keep: ReceivedMessage[]): void {
    this.held.delete(token);
    this.worker?.dispatcher.unlock(token, keep);
  }
}

function taskMessage(message: OutboundMessage | ActivityTask): TaskMessage {
  return message.executionId === undefined
    ? { instanceId: message.instanceId, event: message.event }
    : { instanceId: message.instanceId, executionId: message.executionId, event: message.event };
}
