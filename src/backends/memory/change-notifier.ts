// Lets lock callers wait for "something changed" without polling: a waiter sleeps until notify(), its
// AbortSignal, or its time bound, whichever comes first.

export class ChangeNotifier {
  private readonly waiters = new Set<() => void>();
  /**
   * Waiters per signal, with one abort listener per signal: a worker passes its one stop signal to many
   * concurrent lock calls, and a listener each would trip Node's MaxListenersExceededWarning.
   */
  private readonly bySignal = new Map<AbortSignal, { waiters: Set<() => void>; onAbort: () => void }>();

  get waiting(): number {
    return this.waiters.size;
  }

  /** Resolves on the next notify(), when `signal` aborts, or after `maxMs` of real time. */
  wait(signal: AbortSignal | undefined, maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        if (signal) this.forget(signal, done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.add(done);
      if (signal) this.listen(signal, done);
    });
  }

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private listen(signal: AbortSignal, done: () => void): void {
    let entry = this.bySignal.get(signal);
    if (!entry) {
      const waiters = new Set<() => void>();
      entry = { waiters, onAbort: () => [...waiters].forEach((wake) => wake()) };
      this.bySignal.set(signal, entry);
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    entry.waiters.add(done);
  }

  private forget(signal: AbortSignal, done: () => void): void {
    const entry = this.bySignal.get(signal);
    if (!entry) return;
    entry.waiters.delete(done);
    if (entry.waiters.size > 0) return;
    signal.removeEventListener('abort', entry.onAbort);
    this.bySignal.delete(signal);
  }
}
