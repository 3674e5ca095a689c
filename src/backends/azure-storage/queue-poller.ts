// The one loop that reads a task hub queue, for the control-queue dispatcher and the work-item reader alike:
// receive as many messages as the owner has room for, keep them invisible while held (VisibilityKeeper), screen
// each one, and hand the accepted ones over. Empty polls back off up to maxQueuePollingInterval (A4.5); a message
// this process sends or hands back to the queue wakes the loop when that message becomes visible, so work this
// process scheduled itself (timers, starts, raised events) is picked up on time however long the queue was idle.

import type { Logger } from '../../core';
import { PollingBackoff, sleep } from './polling-backoff';
import { describeStorageFailure } from './storage-errors';
import type { ReceivedMessage, TaskHubQueue } from './task-hub-queue';
import type { VisibilityKeeper } from './visibility-keeper';
import { WakeSchedule } from './wake-schedule';

/**
 * What becomes of a received message: `deliver` it now, `drop` it (the screen parked or re-sent it itself), or
 * deliver it once `holdMs` have passed (it arrived a moment before it is due).
 */
export type ScreenVerdict = 'deliver' | 'drop' | { holdMs: number };

/** Looks at each received message before it is handed over. */
export type MessageScreen = (message: ReceivedMessage) => Promise<ScreenVerdict>;

export interface QueuePollerOptions {
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  /** How many messages the owner can take now (at most 32 are received at once); 0 pauses polling. */
  capacity: () => number;
  /** Takes accepted messages, in receive order (A4.5: insertion time, then the sender's sequence number). */
  deliver: (messages: ReceivedMessage[]) => void;
  logger: Logger;
}

/** While the owner has no room, the loop looks again this often, or at once on roomChanged() (A4.5: 1 s steps). */
const NO_ROOM_RECHECK_MS = 1000;

export class QueuePoller {
  private readonly backoff: PollingBackoff;
  private readonly abort = new AbortController();
  private readonly wakes = new WakeSchedule(() => this.backoff.nudge());
  /** Messages that arrived just before they are due, waiting in memory until then. */
  private readonly maturing = new Map<ReceivedMessage, NodeJS.Timeout>();
  private loop?: Promise<void>;
  private roomWake?: () => void;
  private failing = false;

  constructor(
    readonly queue: TaskHubQueue,
    private readonly keeper: VisibilityKeeper,
    private readonly screen: MessageScreen,
    private readonly options: QueuePollerOptions,
  ) {
    this.backoff = new PollingBackoff(options.maxPollingIntervalMs);
  }

  start(): void {
    if (this.loop) return;
    this.queue.onVisible = this.onVisible;
    this.loop = this.read();
  }

  /** Polls once `delayMs` have passed, however far the back-off has grown (messages known to be visible by then). */
  wakeAfter(delayMs: number): void {
    this.wakes.add(delayMs);
  }

  /** The owner has room again (a batch was taken, a caller is waiting): poll without waiting for the next check. */
  roomChanged(): void {
    this.roomWake?.();
  }

  /** Stops the loop; messages still maturing are handed back. Delivered messages are the owner's to hand back. */
  async stop(): Promise<void> {
    this.abort.abort();
    // A reader started for the queue since (the partition came back) keeps its own listener.
    if (this.queue.onVisible === this.onVisible) this.queue.onVisible = undefined;
    this.wakes.clear();
    this.roomWake?.();
    await this.loop;
    const maturing = [...this.maturing.keys()];
    for (const timer of this.maturing.values()) clearTimeout(timer);
    this.maturing.clear();
    await handBack(this.keeper, maturing);
  }

  private readonly onVisible = (delayMs: number): void => (delayMs <= 0 ? this.backoff.nudge() : this.wakes.add(delayMs));

  private async read(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const room = this.options.capacity();
      if (room <= 0) {
        await sleep(NO_ROOM_RECHECK_MS, signal, (wake) => (this.roomWake = wake));
        this.roomWake = undefined;
        continue;
      }
      let received: ReceivedMessage[];
      try {
        received = await this.queue.receive(room, this.options.visibilityTimeoutMs);
        if (this.failing) this.options.logger.info(`Reading ${this.queue.name} works again.`);
        this.failing = false;
      } catch (error) {
        // One line per outage, not one per poll.
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
      // A4.5: a batch is ordered by insertion time, then by the sender's sequence number.
      received.sort((a, b) => a.insertedOn - b.insertedOn || (a.data?.sequenceNumber ?? 0) - (b.data?.sequenceNumber ?? 0));
      this.keeper.hold(received);
      const verdicts = await Promise.all(received.map((m) => this.screenSafely(m)));
      const accepted: ReceivedMessage[] = [];
      for (const [i, message] of received.entries()) {
        const verdict = verdicts[i];
        if (verdict === 'drop') this.keeper.drop([message]);
        else if (verdict === 'deliver') accepted.push(message);
        else this.mature(message, verdict.holdMs);
      }
      if (signal.aborted) await handBack(this.keeper, accepted);
      else if (accepted.length > 0) this.options.deliver(accepted);
    }
  }

  /** A message whose screening failed (storage trouble) stays invisible and comes back when its lease runs out. */
  private async screenSafely(message: ReceivedMessage): Promise<ScreenVerdict> {
    try {
      return await this.screen(message);
    } catch (error) {
      this.options.logger.warn(`Could not screen message ${message.messageId} on ${this.queue.name}: ${describeStorageFailure(error)} It will be received again.`);
      return 'drop';
    }
  }

  private mature(message: ReceivedMessage, holdMs: number): void {
    const timer = setTimeout(() => {
      this.maturing.delete(message);
      if (!this.abort.signal.aborted) this.options.deliver([message]);
    }, holdMs);
    this.maturing.set(message, timer);
  }
}

/** Makes messages visible again at once, for whoever reads the queue next. */
export async function handBack(keeper: VisibilityKeeper, messages: ReceivedMessage[]): Promise<void> {
  await keeper.settle(messages);
  keeper.drop(messages);
  await Promise.all(messages.map((m) => m.queue.setVisibility(m, 0).catch(() => false)));
}
