// Lets waitForCompletion sleep until the engine commits something for the instance it waits on, instead of
// polling storage in a tight loop. Commits made by other processes are caught by a slow poll.

export class InstanceChangeSignal {
  private readonly listeners = new Map<string, Set<() => void>>();

  /**
   * Resolves with true at the next change of the instance, or with false when `signal` aborts or after `timeoutMs`
   * of real time.
   */
  next(instanceId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const listeners = this.listeners.get(instanceId) ?? new Set();
      this.listeners.set(instanceId, listeners);
      const settle = (changed: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onTimeoutOrAbort);
        listeners.delete(onChange);
        if (listeners.size === 0 && this.listeners.get(instanceId) === listeners) this.listeners.delete(instanceId);
        resolve(changed);
      };
      const onChange = () => settle(true);
      const onTimeoutOrAbort = () => settle(false);
      const timer = setTimeout(onTimeoutOrAbort, timeoutMs);
      signal?.addEventListener('abort', onTimeoutOrAbort, { once: true });
      listeners.add(onChange);
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
