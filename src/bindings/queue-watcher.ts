// Lets a queue listener poll at once when this host wrote to its queue, as the storage extension's
// SharedQueueWatcher does (specs/storage-bindings.md §4.2 "Polling").

export class QueueWatcher {
  readonly #listeners = new Map<string, Set<() => void>>();

  /** `account` tells accounts apart (a client's description); queue names are case-insensitive. */
  watch(account: string, queue: string, onWrite: () => void): () => void {
    const key = `${account}|${queue.toLowerCase()}`;
    const set = this.#listeners.get(key) ?? new Set();
    set.add(onWrite);
    this.#listeners.set(key, set);
    return () => set.delete(onWrite);
  }

  notify(account: string, queue: string): void {
    for (const onWrite of this.#listeners.get(`${account}|${queue.toLowerCase()}`) ?? []) onWrite();
  }
}
