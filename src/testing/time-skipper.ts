// Time skipping for tests: while a test waits, and nothing can run now (no visible message, no locked instance, no
// work item running) and no waiter is satisfied by the current state, move the clock to the next moment something
// becomes visible, so a 30-day timer fires at once. Between a test's own steps time stands still.

import type { ManualClock } from '../core';

export interface Quiescence {
  /** True when no work is visible, locked or running right now. */
  isIdle(): boolean;
  /** Epoch ms of the earliest message waiting to become visible, if any. */
  nextVisibleAt(): number | undefined;
}

/** Resolves true while the waiter still waits: a jump must not skip past a state some test is waiting to see. */
type StillWaiting = () => Promise<boolean>;

export class TimeSkipper {
  private readonly waiters = new Set<StillWaiting>();
  private running = false;

  constructor(
    private readonly clock: ManualClock,
    private readonly state: Quiescence,
  ) {}

  /** Skips time while `work` is pending, but not past a state in which `stillWaiting` says false. */
  async during<T>(work: Promise<T>, stillWaiting: StillWaiting = async () => true): Promise<T> {
    this.waiters.add(stillWaiting);
    if (!this.running) void this.loop();
    try {
      return await work;
    } finally {
      this.waiters.delete(stillWaiting);
    }
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiters.size > 0) {
        // Two idle readings a macrotask apart: in-process work finishes its microtasks in between.
        if (this.state.isIdle() && (await nextTurn(), this.state.isIdle())) {
          // A probe that fails (the environment closing under it) holds the clock rather than ending the loop.
          const waiting = await Promise.all([...this.waiters].map((stillWaiting) => stillWaiting().catch(() => false)));
          const next = this.state.nextVisibleAt();
          // Someone must still wait once the probes answer: with none left, `[].every` would jump between steps.
          const jump = this.waiters.size > 0 && waiting.every(Boolean);
          if (jump && this.state.isIdle() && next !== undefined && next > this.clock.now()) this.clock.set(next);
        }
        await nextTurn();
      }
    } finally {
      this.running = false;
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}
