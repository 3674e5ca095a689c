// Hands work items to the callers of nextWorkItem, pulling from the backend only while someone waits: at most
// one pull per waiting caller (and `maxPullsPerSource` at once), so no instance is locked that nobody will run.
// One source can yield several kinds (an instance turns out to be an orchestration or an entity), so a pull may
// bring an item its caller cannot take; it waits briefly for a caller that can, and is given back otherwise.

import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage, type Logger, type WorkItem, type WorkItemKind } from '../../core';

/** Where work items of some kinds come from (instances → orchestrator/entity items, the activity queue). */
export interface WorkSource {
  readonly name: string;
  readonly kinds: ReadonlySet<WorkItemKind>;
  /** Locks the next piece of work; `undefined` when none came before `signal` aborted, or it needed no worker. */
  pull(signal: AbortSignal): Promise<WorkItem | undefined>;
}

export interface WorkItemDispatcherOptions {
  sources: WorkSource[];
  maxPullsPerSource: number;
  /** A pulled item nobody took in time: the owner gives it back to the backend. */
  unclaimed(item: WorkItem): Promise<void>;
  /** How long (real ms) a pulled item waits for a caller of its kind before it is given back. Default 2 s. */
  unclaimedHoldMs?: number;
  logger: Logger;
}

interface Waiter {
  kinds: ReadonlySet<WorkItemKind>;
  deliver(item: WorkItem | undefined): void;
  /** The waiters of the caller's signal, which this one leaves when it is served. */
  watchedWith?: Set<Waiter>;
}

interface Pull {
  controller: AbortController;
  done: Promise<void>;
}

/** After a failing pull (storage unreachable), wait this long before the next one; real time, not the clock. */
const PULL_RETRY_MS = 1000;

const UNCLAIMED_HOLD_MS = 2000;

interface ReadyItem {
  item: WorkItem;
  timer: NodeJS.Timeout;
}

export class WorkItemDispatcher {
  private readonly waiters: Waiter[] = [];
  private readonly ready: ReadyItem[] = [];
  private readonly pulls = new Map<WorkSource, Set<Pull>>();
  /**
   * Controllers of pulls that ended unaborted, for the next pulls: an AbortController per pull was a tenth of the
   * engine's allocations (issue 18). A backend's waits end when their pull ends; listeners it keeps on a signal
   * (the memory backend keeps one per signal, change-notifier.ts) then simply serve the next pull.
   */
  private readonly spareControllers: AbortController[] = [];
  /** The waiters of each caller's signal that may still be waiting (see watch). */
  private readonly watched = new WeakMap<AbortSignal, Set<Waiter>>();
  private stopped = false;

  constructor(private readonly options: WorkItemDispatcherOptions) {
    for (const source of options.sources) this.pulls.set(source, new Set());
  }

  start(): void {
    this.stopped = false;
  }

  next(kinds: ReadonlySet<WorkItemKind>, signal?: AbortSignal): Promise<WorkItem | undefined> {
    if (this.stopped || signal?.aborted) return Promise.resolve(undefined);
    const index = this.ready.findIndex((ready) => kinds.has(ready.item.kind));
    if (index >= 0) {
      const [ready] = this.ready.splice(index, 1);
      clearTimeout(ready.timer);
      return Promise.resolve(ready.item);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { kinds, deliver: resolve };
      if (signal) this.watch(signal, waiter);
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /**
   * Ends the waiter's wait when `signal` aborts. One listener per signal, kept until it aborts (registered `once`) or
   * is collected with it: a worker passes its one stop signal to every call, and adding and removing a listener
   * around each wait was a measurable share of each work item (issue 18).
   */
  private watch(signal: AbortSignal, waiter: Waiter): void {
    let watched = this.watched.get(signal);
    if (!watched) {
      const forSignal = new Set<Waiter>();
      watched = forSignal;
      this.watched.set(signal, forSignal);
      signal.addEventListener(
        'abort',
        () => {
          for (const gaveUp of [...forSignal]) {
            this.remove(gaveUp);
            this.serve(gaveUp, undefined);
          }
          this.abortSurplusPulls();
        },
        { once: true },
      );
    }
    watched.add(waiter);
    waiter.watchedWith = watched;
  }

  private serve(waiter: Waiter, item: WorkItem | undefined): void {
    waiter.watchedWith?.delete(waiter);
    waiter.deliver(item);
  }

  /** Ends every wait (callers get `undefined`) and every pull, and waits for pulls in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) this.serve(waiter, undefined);
    // Their owner gives back everything it still holds.
    for (const ready of this.ready.splice(0)) clearTimeout(ready.timer);
    const running = [...this.pulls.values()].flatMap((pulls) => [...pulls]);
    for (const pull of running) pull.controller.abort();
    await Promise.allSettled(running.map((pull) => pull.done));
  }

  private demand(source: WorkSource): number {
    let demand = 0;
    for (const waiter of this.waiters) {
      for (const kind of source.kinds) {
        if (!waiter.kinds.has(kind)) continue;
        demand++;
        break;
      }
    }
    return demand;
  }

  private pump(): void {
    if (this.stopped) return;
    for (const [source, running] of this.pulls) {
      const wanted = Math.min(this.demand(source), this.options.maxPullsPerSource);
      while (running.size < wanted) this.startPull(source, running);
    }
  }

  private startPull(source: WorkSource, running: Set<Pull>): void {
    const controller = this.spareControllers.pop() ?? new AbortController();
    const pull: Pull = { controller, done: Promise.resolve() };
    running.add(pull);
    pull.done = (async () => {
      try {
        const item = await source.pull(controller.signal);
        if (item) this.offer(item);
      } catch (error) {
        this.options.logger.error(`Taking work from ${source.name} failed: ${errorMessage(error)}. Trying again in ${PULL_RETRY_MS} ms.`);
        await delay(PULL_RETRY_MS, undefined, { signal: controller.signal }).catch(() => undefined);
      } finally {
        running.delete(pull);
        if (!controller.signal.aborted && this.spareControllers.length < this.options.maxPullsPerSource * this.pulls.size) this.spareControllers.push(controller);
        this.pump();
      }
    })();
  }

  private offer(item: WorkItem): void {
    const waiter = this.waiters.find((candidate) => candidate.kinds.has(item.kind));
    if (waiter) {
      this.remove(waiter);
      this.serve(waiter, item);
      return;
    }
    const ready: ReadyItem = {
      item,
      timer: setTimeout(() => {
        const index = this.ready.indexOf(ready);
        if (index < 0) return;
        this.ready.splice(index, 1);
        this.options.unclaimed(item).catch((error) => this.options.logger.error(`Giving back an unclaimed ${item.kind} work item failed: ${errorMessage(error)}`));
      }, this.options.unclaimedHoldMs ?? UNCLAIMED_HOLD_MS),
    };
    ready.timer.unref();
    this.ready.push(ready);
  }

  /** A caller gave up: stop the pulls beyond what the remaining callers need (the newest). */
  private abortSurplusPulls(): void {
    for (const [source, running] of this.pulls) {
      for (const pull of [...running].slice(this.demand(source))) pull.controller.abort();
    }
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
