// Empty polls back off exponentially (randomized ±20 %) from a minimum (50 ms for the task hub's queues) to a
// maximum (maxQueuePollingInterval), so an idle queue costs little; a message found, or a message this process
// enqueues, resets the delay (specs/backends.md A4.5, DT.AS BackoffPollingHelper). The storage extension's queue and
// blob listeners use the same strategy from 100 ms (specs/storage-bindings.md §4.2, RandomizedExponentialBackoffStrategy).

const TASK_HUB_INITIAL_DELAY_MS = 50;
const JITTER = 0.2;

export class PollingBackoff {
  private delayMs = 0;
  private wake?: () => void;

  constructor(
    private readonly maxDelayMs: number,
    private readonly initialDelayMs = TASK_HUB_INITIAL_DELAY_MS,
  ) {}

  reset(): void {
    this.delayMs = 0;
  }

  /** Ends a wait early and resets the delay: there is something to poll. */
  nudge(): void {
    this.reset();
    this.wake?.();
  }

  /** Waits after an empty poll; resolves early on nudge() or when `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    this.delayMs = this.delayMs === 0 ? this.initialDelayMs : Math.min(this.maxDelayMs, this.delayMs * 2);
    const jittered = this.delayMs * (1 - JITTER + Math.random() * 2 * JITTER);
    await sleep(Math.min(jittered, this.maxDelayMs), signal, (wake) => (this.wake = wake));
    this.wake = undefined;
  }
}

/** Sleeps `ms`; resolves early when `signal` aborts or the registered wake function is called. */
export function sleep(ms: number, signal?: AbortSignal, registerWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    registerWake?.(done);
  });
}

/**
 * Sleeps until a wake function in `waiters` is called, `ms` pass or `signal` aborts. The wake function leaves
 * `waiters` however the sleep ends, so waits that time out while the hub is idle do not pile up.
 */
export async function sleepUntilWoken(waiters: Set<() => void>, ms: number, signal?: AbortSignal): Promise<void> {
  let wake: (() => void) | undefined;
  await sleep(ms, signal, (registered) => waiters.add((wake = registered)));
  if (wake) waiters.delete(wake);
}
