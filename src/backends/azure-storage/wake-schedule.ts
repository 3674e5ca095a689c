// Calls `wake` at each of a set of future moments, with one timer for the earliest: a queue reader's wake-ups for
// the messages this process made visible later (durable timers, delayed hand-backs). Moments close together share
// one wake-up; the reader's back-off then polls again quickly if a message is a moment late.

/** Wake-ups closer than this are merged. */
const RESOLUTION_MS = 20;
/** setTimeout cannot wait longer than 2^31 − 1 ms; farther moments are left to polling (queue delays stay ≤ 7 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class WakeSchedule {
  /** Epoch ms, ascending. */
  private readonly due: number[] = [];
  private timer?: NodeJS.Timeout;
  private armedFor?: number;

  constructor(private readonly wake: () => void) {}

  /** Wakes once `delayMs` have passed. */
  add(delayMs: number): void {
    if (delayMs > MAX_TIMEOUT_MS) return;
    const at = Date.now() + delayMs;
    const index = this.insertionIndex(at);
    const near = (i: number) => i >= 0 && i < this.due.length && Math.abs(this.due[i] - at) < RESOLUTION_MS;
    if (near(index) || near(index - 1)) return;
    this.due.splice(index, 0, at);
    this.arm();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
    this.due.length = 0;
  }

  get size(): number {
    return this.due.length;
  }

  private arm(): void {
    const next = this.due[0];
    if (next === undefined || next === this.armedFor) return;
    clearTimeout(this.timer);
    this.armedFor = next;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - Date.now()));
    // A pending wake-up alone does not keep the process alive.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    const now = Date.now();
    let passed = 0;
    while (passed < this.due.length && this.due[passed] <= now) passed++;
    this.due.splice(0, passed);
    this.arm();
    if (passed > 0) this.wake();
  }

  /** The first index whose moment is later than `at` (binary search). */
  private insertionIndex(at: number): number {
    let low = 0;
    let high = this.due.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.due[mid] <= at) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
