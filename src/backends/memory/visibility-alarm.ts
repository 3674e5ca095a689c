// Rings when a waiting message may have become visible. A ManualClock only moves when told to, so every move
// rings (tests and createTestEnvironment skip time that way); the system clock gets one timer, set for the
// earliest future visibility time, instead of a polling loop.

import { ManualClock, type Clock } from '../../core';

/** setTimeout fires at once for longer delays; a longer wait simply re-arms when this one rings. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class VisibilityAlarm {
  private timer?: NodeJS.Timeout;
  private armedAt?: number;
  private unsubscribe?: () => void;

  constructor(private readonly clock: Clock, private readonly ring: () => void) {}

  /**
   * Rings by `at` (epoch ms by the clock; `undefined` when no message waits for time). `at` may be a function: it
   * is only called when its answer matters (no timer armed yet), because finding the earliest time scans the inbox.
   */
  arm(at: number | undefined | (() => number | undefined)): void {
    if (this.clock instanceof ManualClock) {
      this.unsubscribe ??= this.clock.onChange(this.ring);
      return;
    }
    // An armed timer rings no later than needed: every earlier message since was armed on arrival.
    if (typeof at === 'function') at = this.armedAt === undefined ? at() : undefined;
    if (at === undefined || (this.armedAt !== undefined && this.armedAt <= at)) return;
    clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => {
      this.timer = this.armedAt = undefined;
      this.ring();
    }, Math.min(Math.max(0, at - this.clock.now()), MAX_TIMER_MS));
  }

  /** Nobody waits any more: no timer, no clock listener. */
  disarm(): void {
    clearTimeout(this.timer);
    this.timer = this.armedAt = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
