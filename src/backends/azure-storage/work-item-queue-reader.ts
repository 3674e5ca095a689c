// Reads `{hub}-workitems` (activity invocations, specs/backends.md A8.6) on demand: it receives only as many
// messages as callers are waiting for, so activities spread over all workers instead of piling up in one
// worker's buffer, and polls with back-off while the queue is empty.

import type { Logger } from '../../core';
import { PollingBackoff, sleepUntilWoken } from './polling-backoff';
import { describeStorageFailure } from './storage-errors';
import type { ReceivedMessage, TaskHubQueue } from './task-hub-queue';
import type { VisibilityKeeper } from './visibility-keeper';
import type { MessageScreen } from './control-queue-dispatcher';

export interface WorkItemReaderOptions {
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  logger: Logger;
}

export class WorkItemQueueReader {
  private readonly buffer: ReceivedMessage[] = [];
  private readonly backoff: PollingBackoff;
  private readonly abort = new AbortController();
  private readonly waiters = new Set<() => void>();
  private waiting = 0;
  private loop?: Promise<void>;
  private demand?: () => void;
  private failing = false;

  constructor(
    private readonly queue: TaskHubQueue,
    private readonly keeper: VisibilityKeeper,
    private readonly screen: MessageScreen,
    private readonly options: WorkItemReaderOptions,
  ) {
    this.backoff = new PollingBackoff(options.maxPollingIntervalMs);
  }

  start(): void {
    this.loop ??= this.read();
  }

  /** The next activity message, leased to the caller; undefined after `maxWaitMs`, on abort or on stop. */
  async next(signal: AbortSignal | undefined, maxWaitMs: number): Promise<ReceivedMessage | undefined> {
    const deadline = Date.now() + maxWaitMs;
    this.waiting++;
    this.demand?.();
    try {
      for (;;) {
        const message = this.buffer.shift();
        if (message) return message;
        const remaining = deadline - Date.now();
        if (this.abort.signal.aborted || signal?.aborted || remaining <= 0) return undefined;
        await sleepUntilWoken(this.waiters, remaining, signal);
      }
    } finally {
      this.waiting--;
    }
  }

  /** This process just enqueued an activity: poll now. */
  nudge(): void {
    this.backoff.nudge();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.demand?.();
    this.backoff.nudge();
    for (const wake of this.waiters) wake();
    await this.loop;
    const unclaimed = this.buffer.splice(0);
    await this.keeper.settle(unclaimed);
    this.keeper.drop(unclaimed);
    await Promise.all(unclaimed.map((m) => this.queue.setVisibility(m, 0).catch(() => false)));
  }

  private async read(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const wanted = this.waiting - this.buffer.length;
      if (wanted <= 0) {
        await new Promise<void>((resolve) => (this.demand = resolve));
        this.demand = undefined;
        continue;
      }
      let received: ReceivedMessage[];
      try {
        received = await this.queue.receive(wanted, this.options.visibilityTimeoutMs);
        if (this.failing) this.options.logger.info(`Reading ${this.queue.name} works again.`);
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.options.logger.error(`Cannot read ${this.queue.name}: ${describeStorageFailure(error)} Retrying with back-off.`);
        this.failing = true;
        await this.backoff.wait(signal);
        continue;
      }
      if (received.length === 0) {
        await this.backoff.wait(signal);
        continue;
      }
      this.backoff.reset();
      this.keeper.hold(received);
      // A message whose screening failed (storage trouble) stays invisible and comes back when its lease runs out.
      const accepted = await Promise.all(
        received.map((m) =>
          this.screen(m).catch((error: unknown) => {
            this.options.logger.warn(`Could not screen message ${m.messageId} on ${this.queue.name}: ${describeStorageFailure(error)}`);
            return false;
          }),
        ),
      );
      for (const [i, message] of received.entries()) {
        if (accepted[i]) this.buffer.push(message);
        else this.keeper.drop([message]);
      }
      for (const wake of [...this.waiters]) wake();
      this.waiters.clear();
    }
  }
}
