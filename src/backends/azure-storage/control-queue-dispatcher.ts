// Reads the control queues this worker owns and hands their messages out per instance, one lock per instance
// (specs/backends.md A4.5, A8.1–2; DT.AS OrchestrationSessionManager). Messages that arrive while an instance
// is locked wait for the lock to end and then form its next batch.

import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core';
import { sleep, sleepUntilWoken } from './polling-backoff';
import { QueuePoller, handBack, type MessageScreen } from './queue-poller';
import type { ReceivedMessage, TaskHubQueue } from './task-hub-queue';
import type { VisibilityKeeper } from './visibility-keeper';

export interface DispatcherOptions {
  /** Messages per receive (DT.AS ControlQueueBatchSize, at most 32). */
  batchSize: number;
  /** Polling pauses while this many messages are buffered (DF ControlQueueBufferThreshold, 256). */
  bufferThreshold: number;
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  /** How long a drain waits for locked instances before giving their partition up anyway. */
  drainTimeoutMs: number;
  logger: Logger;
}

/** The messages of one instance, locked to one caller. */
export interface LockedBatch {
  token: string;
  instanceId: string;
  partition: number;
  messages: ReceivedMessage[];
}

interface Bucket {
  instanceId: string;
  partition: number;
  /** Received and not yet handed out. */
  pending: ReceivedMessage[];
  /** Kept back by the last commit; handed out again with the next batch. */
  kept: ReceivedMessage[];
  lock?: LockedBatch;
}

export class ControlQueueDispatcher {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ready = new Set<string>();
  private readonly locks = new Map<string, Bucket>();
  private readonly readers = new Map<number, QueuePoller>();
  /** Partitions this worker owns: being read, or draining (no new batches, locks still valid). */
  private readonly owned = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly queues: readonly TaskHubQueue[],
    private readonly keeper: VisibilityKeeper,
    private readonly screen: MessageScreen,
    private readonly options: DispatcherOptions,
  ) {}

  /** Starts reading a partition's control queue. */
  startPartition(partition: number): void {
    if (this.readers.has(partition) || this.stopped) return;
    this.owned.add(partition);
    const reader = new QueuePoller(this.queues[partition], this.keeper, this.screen, {
      visibilityTimeoutMs: this.options.visibilityTimeoutMs,
      maxPollingIntervalMs: this.options.maxPollingIntervalMs,
      logger: this.options.logger,
      // A4.5: polling pauses while the buffer is full.
      capacity: () => (this.bufferedCount() >= this.options.bufferThreshold ? 0 : this.options.batchSize),
      deliver: (messages) => messages.forEach((message) => this.add(partition, message)),
    });
    this.readers.set(partition, reader);
    reader.start();
  }

  /** Polls the partition's queue once `delayMs` have passed. */
  wakeAfter(partition: number, delayMs: number): void {
    this.readers.get(partition)?.wakeAfter(delayMs);
  }

  /** Stops reading, hands back what is not locked, and waits (bounded) for locked instances to finish. */
  async drainPartition(partition: number): Promise<void> {
    await this.stopReading(partition);
    await this.abandonUnlocked(partition);
    const deadline = Date.now() + this.options.drainTimeoutMs;
    while ([...this.locks.values()].some((b) => b.partition === partition) && Date.now() < deadline) await sleep(50);
  }

  /** The partition is no longer ours: forget it; locks still out become invalid. */
  async releasePartition(partition: number): Promise<void> {
    this.owned.delete(partition);
    await this.stopReading(partition);
    await this.abandonUnlocked(partition);
    for (const [token, bucket] of this.locks) {
      if (bucket.partition !== partition) continue;
      this.locks.delete(token);
      this.buckets.delete(bucket.instanceId);
    }
  }

  /**
   * Buffers a message that did not come from the partition's queue (an activity result produced by this worker);
   * false if this worker is not reading the partition. The caller keeps it invisible in the keeper, as received
   * messages are.
   */
  deliverLocally(partition: number, message: ReceivedMessage): boolean {
    if (this.stopped || !this.readers.has(partition)) return false;
    this.add(partition, message);
    return true;
  }

  /** The next instance with messages, locked; undefined after `maxWaitMs`, on abort or on stop. */
  async next(signal: AbortSignal | undefined, maxWaitMs: number): Promise<LockedBatch | undefined> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const batch = this.takeReady();
      if (batch) return batch;
      const remaining = deadline - Date.now();
      if (this.stopped || signal?.aborted || remaining <= 0) return undefined;
      await sleepUntilWoken(this.waiters, remaining, signal);
    }
  }

  /** True while the lock is the instance's current one and its partition is still ours. */
  holds(token: string): boolean {
    const bucket = this.locks.get(token);
    return bucket !== undefined && this.owned.has(bucket.partition);
  }

  /** Ends a lock. `keep` stays held (still invisible) and goes out with the instance's next batch. */
  unlock(token: string, keep: ReceivedMessage[] = []): void {
    const bucket = this.locks.get(token);
    if (!bucket) return;
    this.locks.delete(token);
    bucket.lock = undefined;
    bucket.kept.push(...keep);
    if (bucket.pending.length > 0) this.markReady(bucket.instanceId);
    else if (bucket.kept.length === 0) this.buckets.delete(bucket.instanceId);
  }

  /** Drops buffered messages of an instance (purged); they are deleted from the queue. */
  async discard(instanceId: string): Promise<void> {
    const bucket = this.buckets.get(instanceId);
    if (!bucket || bucket.lock) return;
    this.buckets.delete(instanceId);
    const messages = [...bucket.pending, ...bucket.kept];
    await this.keeper.settle(messages);
    this.keeper.drop(messages);
    await Promise.all(messages.map((m) => m.queue.delete(m)));
  }

  /** Deletes one buffered message (a start its sender took back after this worker had received it). */
  async discardMessage(messageId: string): Promise<void> {
    for (const bucket of this.buckets.values()) {
      const index = bucket.pending.findIndex((m) => m.messageId === messageId);
      if (index < 0) continue;
      const [message] = bucket.pending.splice(index, 1);
      await this.keeper.settle([message]);
      this.keeper.drop([message]);
      await message.queue.delete(message);
      if (bucket.pending.length === 0 && bucket.kept.length === 0 && !bucket.lock) this.buckets.delete(bucket.instanceId);
      return;
    }
  }

  bufferedCount(): number {
    let count = 0;
    for (const bucket of this.buckets.values()) count += bucket.pending.length;
    return count;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeWaiters();
    await Promise.all([...this.owned].map((p) => this.releasePartition(p)));
  }

  private add(partition: number, message: ReceivedMessage): void {
    const instanceId = message.data!.message.instanceId;
    let bucket = this.buckets.get(instanceId);
    if (!bucket) {
      bucket = { instanceId, partition, pending: [], kept: [] };
      this.buckets.set(instanceId, bucket);
    }
    // Received again after its lease ran out while still buffered: keep only the newest pop receipt.
    const stale = bucket.pending.findIndex((m) => m.messageId === message.messageId);
    if (stale >= 0) this.keeper.drop(bucket.pending.splice(stale, 1));
    bucket.pending.push(message);
    if (!bucket.lock) this.markReady(instanceId);
  }

  private takeReady(): LockedBatch | undefined {
    for (const instanceId of this.ready) {
      this.ready.delete(instanceId);
      const bucket = this.buckets.get(instanceId);
      if (!bucket || bucket.lock || bucket.pending.length === 0 || !this.readers.has(bucket.partition)) continue;
      const batch: LockedBatch = {
        token: randomUUID(),
        instanceId,
        partition: bucket.partition,
        messages: [...bucket.kept, ...bucket.pending],
      };
      bucket.kept = [];
      bucket.pending = [];
      bucket.lock = batch;
      this.locks.set(batch.token, bucket);
      // The buffer shrank: a reader paused at the threshold may poll again.
      for (const reader of this.readers.values()) reader.roomChanged();
      return batch;
    }
    return undefined;
  }

  private markReady(instanceId: string): void {
    this.ready.add(instanceId);
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private async stopReading(partition: number): Promise<void> {
    const reader = this.readers.get(partition);
    if (!reader) return;
    this.readers.delete(partition);
    await reader.stop();
  }

  /** Makes buffered, unlocked messages of the partition visible again, for whoever owns it next. */
  private async abandonUnlocked(partition: number): Promise<void> {
    const messages: ReceivedMessage[] = [];
    for (const bucket of [...this.buckets.values()]) {
      if (bucket.partition !== partition || bucket.lock) continue;
      messages.push(...bucket.pending, ...bucket.kept);
      this.buckets.delete(bucket.instanceId);
    }
    await handBack(this.keeper, messages);
  }
}
