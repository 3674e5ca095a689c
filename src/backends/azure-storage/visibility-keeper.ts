// A received queue message stays invisible only for its visibility timeout; work that takes longer must keep
// extending it, or another worker receives the same message. The keeper extends every message this process still
// holds once half of its timeout has passed. So the timeout can be short — it is how long the messages of a worker
// that died stay hidden before another worker (or the restarted one) gets them — without cutting work short.

import type { Logger } from '../../core';
import { describeStorageFailure } from './storage-errors';
import type { ReceivedMessage } from './task-hub-queue';

/** How often held messages are looked at; a renewal is due at half the timeout, so this bounds how late it can be. */
const TICK_MS = 1000;

interface Held {
  /** An extension in progress; awaited before the message is deleted or released. */
  renewal?: Promise<void>;
  /** Set once the owner is about to delete or release the message: no further extensions. */
  frozen: boolean;
}

export class VisibilityKeeper {
  private readonly held = new Map<ReceivedMessage, Held>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly logger: Logger) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  hold(messages: Iterable<ReceivedMessage>): void {
    for (const message of messages) if (!this.held.has(message)) this.held.set(message, { frozen: false });
  }

  /** Stops extending the messages and waits for extensions in flight, so their pop receipts are final. */
  async settle(messages: Iterable<ReceivedMessage>): Promise<void> {
    const renewals: Promise<void>[] = [];
    for (const message of messages) {
      const entry = this.held.get(message);
      if (!entry) continue;
      entry.frozen = true;
      if (entry.renewal) renewals.push(entry.renewal);
    }
    await Promise.all(renewals);
  }

  /** Lets go of messages that were deleted or handed back. */
  drop(messages: Iterable<ReceivedMessage>): void {
    for (const message of messages) this.held.delete(message);
  }

  private tick(): void {
    const now = Date.now();
    for (const [message, entry] of this.held) {
      if (entry.frozen || entry.renewal || now - message.leasedAt < message.visibilityTimeoutMs / 2) continue;
      entry.renewal = message.queue
        .renew(message)
        .then(
          (kept) => {
            if (!kept) this.logger.warn(`Message ${message.messageId} on ${message.queue.name} was received by another worker before its lease could be extended.`);
          },
          (error: unknown) => this.logger.warn(`Could not extend the lease of message ${message.messageId} on ${message.queue.name}: ${describeStorageFailure(error)}`),
        )
        .finally(() => (entry.renewal = undefined));
    }
  }
}
