// Time skipping for tests: whenever nothing can run now (no visible message, no locked instance, no work item
// running), move the clock to the next moment something becomes visible, so a 30-day timer fires at once.

import type { ManualClock } from '../core';

export interface Quiescence {
  /** True when no work is visible, locked or running right now. */
  isIdle(): boolean;
  /** Epoch ms of the earliest message waiting to become visible, if any. */
  nextVisibleAt(): number | undefined;
}

export class TimeSkipper {
  private running = false;
  private waiters = 0;

  constructor(private readonly clock: ManualClock, private readonly state: Quiescence) {}

  /** Skips time only while `work` is pending, so time stands still between a test's own steps. */
  async during<T>(work: Promise<T>): Promise<T> {
    this.waiters++;
    if (!this.running) void this.loop();
    try {
      return await work;
    } finally {
      this.waiters--;
    }
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiters > 0) {
        // Two idle readings a macrotask apart: in-process work finishes its microtasks in between.
        if (this.state.isIdle() && (await nextTurn(), this.state.isIdle())) {
          const next = this.state.nextVisibleAt();
          if (next !== undefined && next > this.clock.now()) this.clock.set(next);
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
