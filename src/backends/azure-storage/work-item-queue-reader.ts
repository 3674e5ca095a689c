// Reads `{hub}-workitems` (activity invocations, specs/backends.md A8.6) on demand: it receives only as many
// messages as callers are waiting for, so activities spread over all workers instead of piling up in one
// worker's buffer.

import type { Logger } from '../../core';
import { sleepUntilWoken } from './polling-backoff';
import { QueuePoller, handBack, type MessageScreen } from './queue-poller';
import type { ReceivedMessage, TaskHubQueue } from './task-hub-queue';
import type { VisibilityKeeper } from './visibility-keeper';

export interface WorkItemReaderOptions {
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  logger: Logger;
}

export class WorkItemQueueReader {
  private readonly buffer: ReceivedMessage[] = [];
  private readonly poller: QueuePoller;
  private readonly waiters = new Set<() => void>();
  private waiting = 0;
  private stopped = false;

  constructor(
    queue: TaskHubQueue,
    private readonly keeper: VisibilityKeeper,
    screen: MessageScreen,
    options: WorkItemReaderOptions,
  ) {
    this.poller = new QueuePoller(queue, keeper, screen, {
      ...options,
      capacity: () => this.waiting - this.buffer.length,
      deliver: (messages) => {
        this.buffer.push(...messages);
        this.wakeWaiters();
      },
    });
  }

  start(): void {
    this.poller.start();
  }

  /** Polls once `delayMs` have passed. */
  wakeAfter(delayMs: number): void {
    this.poller.wakeAfter(delayMs);
  }

  /** The next activity message, leased to the caller; undefined after `maxWaitMs`, on abort or on stop. */
  async next(signal: AbortSignal | undefined, maxWaitMs: number): Promise<ReceivedMessage | undefined> {
    const deadline = Date.now() + maxWaitMs;
    this.waiting++;
    this.poller.roomChanged();
    try {
      for (;;) {
        const message = this.buffer.shift();
        if (message) return message;
        const remaining = deadline - Date.now();
        if (this.stopped || signal?.aborted || remaining <= 0) return undefined;
        await sleepUntilWoken(this.waiters, remaining, signal);
      }
    } finally {
      this.waiting--;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeWaiters();
    await this.poller.stop();
    await handBack(this.keeper, this.buffer.splice(0));
  }

  private wakeWaiters(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}
