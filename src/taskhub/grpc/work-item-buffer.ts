// Work items the stream delivered, waiting for the worker to take them, per kind. The Scheduler sends no more
// than the concurrency limits the worker announced (B4.2), so the buffer stays that small.

import type { WorkItem, WorkItemKind } from '../../core';

interface Waiter {
  kinds: ReadonlySet<WorkItemKind>;
  resolve: (item: WorkItem | undefined) => void;
}

export class WorkItemBuffer {
  private readonly items: WorkItem[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;

  /** The next item of one of `kinds`; `undefined` when `signal` aborts or the buffer closes. */
  take(kinds: ReadonlySet<WorkItemKind>, signal?: AbortSignal): Promise<WorkItem | undefined> {
    const index = this.items.findIndex((item) => kinds.has(item.kind));
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0]);
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        kinds,
        resolve: (item) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(item);
        },
      };
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  put(item: WorkItem): void {
    const index = this.waiters.findIndex((waiter) => waiter.kinds.has(item.kind));
    if (index >= 0) this.waiters.splice(index, 1)[0].resolve(item);
    else this.items.push(item);
  }

  /** Removes and returns the items nobody took (the Scheduler redelivers them after a disconnect). */
  drain(): WorkItem[] {
    return this.items.splice(0);
  }

  /** Wakes every waiter with `undefined`; later takes get nothing. */
  close(): WorkItem[] {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
    return this.drain();
  }
}
