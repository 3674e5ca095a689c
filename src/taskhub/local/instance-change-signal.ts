// Lets waitForCompletion sleep until the engine commits something for the instance it waits on, instead of
// polling storage in a tight loop. Commits made by other processes are caught by a slow poll.

export class InstanceChangeSignal {
  private readonly listeners = new Map<string, Set<() => void>>();

  /** Resolves at the next change of the instance, when `signal` aborts, or after `timeoutMs` of real time. */
  next(instanceId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const listeners = this.listeners.get(instanceId) ?? new Set();
      this.listeners.set(instanceId, listeners);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        listeners.delete(done);
        if (listeners.size === 0 && this.listeners.get(instanceId) === listeners) this.listeners.delete(instanceId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      listeners.add(done);
    });
  }

  notify(instanceId: string): void {
    for (const listener of [...(this.listeners.get(instanceId) ?? [])]) listener();
  }

  /** Wakes every waiter (the hub is stopping). */
  notifyAll(): void {
    for (const instanceId of [...this.listeners.keys()]) this.notify(instanceId);
  }
}
