// Received queue messages stay invisible only for the visibility timeout (5 min, specs/backends.md A4.3). Work
// that takes longer must keep extending it, or another worker receives the same message. The keeper extends
// every message this process still holds once half of its timeout has passed.

import type { Logger } from '../../core';
import { describeStorageFailure } from './storage-errors';
import type { ReceivedMessage } from './task-hub-queue';

interface Held {
  /** An extension in progress; awaited before the message is deleted or released. */
  renewal?: Promise<void>;
  /** Set once the owner is about to delete or release the message: no further extensions. */
  frozen: boolean;
}

export class VisibilityKeeper {
  private readonly held = new Map<ReceivedMessage, Held>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly visibilityTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), Math.max(250, this.visibilityTimeoutMs / 4));
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
    const due = Date.now() - this.visibilityTimeoutMs / 2;
    for (const [message, entry] of this.held) {
      if (entry.frozen || entry.renewal || message.leasedAt > due) continue;
      entry.renewal = message.queue
        .setVisibility(message, this.visibilityTimeoutMs)
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
