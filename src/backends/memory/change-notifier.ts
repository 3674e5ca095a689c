// Lets lock callers wait for "something changed" without polling: a waiter sleeps until notify(), its
// AbortSignal, or its time bound, whichever comes first.

export class ChangeNotifier {
  private readonly waiters = new Set<() => void>();
  /**
   * Waiters per signal, with one abort listener per signal: a worker passes its one stop signal to many
   * concurrent lock calls, and a listener each would trip Node's MaxListenersExceededWarning. The listener stays
   * until the signal aborts (it is registered `once`) or is collected with it: adding and removing it around every
   * wait was a measurable share of each work item (issue 18).
   */
  private readonly bySignal = new WeakMap<AbortSignal, Set<() => void>>();

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
    let waiters = this.bySignal.get(signal);
    if (!waiters) {
      const forSignal = new Set<() => void>();
      waiters = forSignal;
      this.bySignal.set(signal, forSignal);
      signal.addEventListener('abort', () => [...forSignal].forEach((wake) => wake()), { once: true });
    }
    waiters.add(done);
  }

  private forget(signal: AbortSignal, done: () => void): void {
    this.bySignal.get(signal)?.delete(done);
  }
}
