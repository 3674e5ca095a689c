// The storage extension's polling delay for an empty queue: randomized exponential back-off from 100 ms up to
// maxPollingInterval, back to the minimum after a hit (specs/storage-bindings.md §4.2 "Polling",
// RandomizedExponentialBackoffStrategy). wake() ends a wait at once: this host wrote to the queue.

import { MIN_POLLING_INTERVAL_MS } from './storage-extension-options';

export class RandomizedBackoff {
  #delayMs = 0;
  #wake?: () => void;

  constructor(private readonly maxDelayMs: number) {}

  /** A poll found work: the next empty poll starts from the minimum again. */
  reset(): void {
    this.#delayMs = 0;
  }

  wake(): void {
    this.reset();
    this.#wake?.();
  }

  /** Waits after an empty poll, a little longer each time. */
  wait(): Promise<void> {
    this.#delayMs = Math.min(this.maxDelayMs, this.#delayMs === 0 ? MIN_POLLING_INTERVAL_MS : this.#delayMs * 2);
    const delay = Math.min(this.maxDelayMs, this.#delayMs * (0.8 + Math.random() * 0.4));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.#wake = done;
    });
  }
}
