// Drives a conformance target the same way whether its clock can be moved or not: with a ManualClock the
// driver moves time exactly to a visibility boundary; on a real-time backend it waits, bounded, for the work
// to appear. Waiting for "nothing" is instant with a ManualClock (an already aborted signal) and a short quiet
// period in real time.

import type { ManualClock } from '../../src/core';
import type { ActivityWorkItemLease, Backend, InstanceCommit, InstanceWorkItem } from '../../src/backends';
import type { ConformanceTarget } from './backend-conformance';

/** How long work that must come may take to come, in real ms. */
const ARRIVAL_BOUND_MS = 20_000;
/** Fits Azure Storage: its queues count visibility in whole seconds, and its reader polls in the background. */
const DEFAULT_REAL_TIME = { quietPeriodMs: 1_000, delayMs: 3_000 };

export class BackendDriver {
  readonly backend: Backend;
  readonly clock?: ManualClock;
  private readonly realTime: { quietPeriodMs: number; delayMs: number };
  /** Everything handed out through this driver, for releaseAll. */
  private readonly instances: InstanceWorkItem[] = [];
  private readonly leases: ActivityWorkItemLease[] = [];

  constructor(target: ConformanceTarget) {
    this.backend = target.backend;
    this.clock = target.clock;
    this.realTime = target.realTime ?? DEFAULT_REAL_TIME;
  }

  now(): number {
    return this.clock?.now() ?? Date.now();
  }

  /** A visibility delay; in real time longer than the quiet period, so "not yet" can be checked before it passes. */
  get delayMs(): number {
    return this.clock ? 60_000 : this.realTime.delayMs;
  }

  /** Locks the next instance; a backend may return undefined when its own poll wait ends, so this asks again. */
  async lockInstance(what: string): Promise<InstanceWorkItem> {
    const item = await this.untilHandedOut((signal) => this.backend.lockNextInstance(signal), ARRIVAL_BOUND_MS);
    if (!item) throw new Error(`Expected a work item (${what}), but none was handed out within ${ARRIVAL_BOUND_MS} ms`);
    this.instances.push(item);
    return item;
  }

  async expectNoInstance(why: string): Promise<void> {
    const item = await this.untilHandedOut((signal) => this.backend.lockNextInstance(signal), this.quietPeriodMs());
    if (item) {
      this.instances.push(item);
      const events = item.messages.map((m) => m.event.type).join(', ');
      throw new Error(`Expected no work item (${why}), but '${item.instanceId}' was handed out with [${events}]`);
    }
  }

  async lockActivity(what: string): Promise<ActivityWorkItemLease> {
    const lease = await this.untilHandedOut((signal) => this.backend.lockNextActivity(signal), ARRIVAL_BOUND_MS);
    if (!lease) throw new Error(`Expected an activity (${what}), but none was handed out within ${ARRIVAL_BOUND_MS} ms`);
    this.leases.push(lease);
    return lease;
  }

  async expectNoActivity(why: string): Promise<void> {
    const lease = await this.untilHandedOut((signal) => this.backend.lockNextActivity(signal), this.quietPeriodMs());
    if (lease) {
      this.leases.push(lease);
      throw new Error(`Expected no activity (${why}), but '${lease.task.event.name}' of '${lease.task.instanceId}' was handed out`);
    }
  }

  /**
   * Abandons every work item and activity this driver handed out (a no-op for those already completed or
   * abandoned), so that stopping the backend need not wait for locks a test left behind.
   */
  async releaseAll(): Promise<void> {
    await Promise.allSettled([
      ...this.instances.splice(0).map((item) => this.backend.abandonInstance(item)),
      ...this.leases.splice(0).map((lease) => this.backend.abandonActivity(lease)),
    ]);
  }

  /**
   * Checks that nothing is handed out before `visibleAt`, then returns the work item that becomes visible then.
   * With a ManualClock the lock call is already waiting when the clock reaches `visibleAt`: it must wake.
   */
  async lockInstanceAt(visibleAt: number, what: string): Promise<InstanceWorkItem> {
    await this.untilJustBefore(visibleAt, () => this.expectNoInstance(`${what} is not visible before ${visibleAt - this.now()} ms from now`));
    return this.whenVisible(visibleAt, () => this.lockInstance(what));
  }

  async lockActivityAt(visibleAt: number, what: string): Promise<ActivityWorkItemLease> {
    await this.untilJustBefore(visibleAt, () => this.expectNoActivity(`${what} is not visible before ${visibleAt - this.now()} ms from now`));
    return this.whenVisible(visibleAt, () => this.lockActivity(what));
  }

  /** Completes a work item without changing anything but removing its messages. */
  async completeUnchanged(item: InstanceWorkItem): Promise<void> {
    await this.backend.completeInstance(item, commitOf(item, {}));
  }

  /** Locks work items until `instanceIds` were each handed out once, and lets `handle` complete each. */
  async processEach(instanceIds: string[], handle: (item: InstanceWorkItem) => Promise<void>): Promise<void> {
    const waiting = new Set(instanceIds);
    while (waiting.size > 0) {
      const item = await this.lockInstance(`one of ${[...waiting].join(', ')}`);
      if (!waiting.delete(item.instanceId)) throw new Error(`'${item.instanceId}' was handed out, but only ${[...waiting].join(', ')} had messages`);
      await handle(item);
    }
  }

  /**
   * Locks `instanceId` until `count` messages were handed out, completing each work item, and returns the work
   * items. On backends that read their inbox in the background a batch may still be arriving when it is locked.
   */
  async collectMessages(instanceId: string, count: number): Promise<InstanceWorkItem[]> {
    const items: InstanceWorkItem[] = [];
    while (items.reduce((n, item) => n + item.messages.length, 0) < count) {
      const item = await this.lockInstance(`more messages for '${instanceId}'`);
      expect(item.instanceId).toBe(instanceId);
      items.push(item);
      await this.completeUnchanged(item);
    }
    return items;
  }

  /** With a ManualClock nothing can become visible without the suite moving time: one look is enough. */
  private quietPeriodMs(): number {
    return this.clock ? 0 : this.realTime.quietPeriodMs;
  }

  /** Asks `lock` until it hands something out or `boundMs` passes; a bound of 0 asks once, with an aborted signal. */
  private async untilHandedOut<T>(lock: (signal: AbortSignal) => Promise<T | undefined>, boundMs: number): Promise<T | undefined> {
    const deadline = Date.now() + boundMs;
    for (;;) {
      const remaining = deadline - Date.now();
      const found = await lock(remaining > 0 ? AbortSignal.timeout(remaining) : AbortSignal.abort());
      if (found !== undefined || Date.now() >= deadline) return found;
    }
  }

  private async untilJustBefore(visibleAt: number, check: () => Promise<void>): Promise<void> {
    if (this.clock) this.clock.set(visibleAt - 1);
    else if (visibleAt - Date.now() <= this.quietPeriodMs()) throw new Error(`The delay is too short to check that nothing is visible before it ends`);
    await check();
  }

  private async whenVisible<T>(visibleAt: number, lock: () => Promise<T>): Promise<T> {
    if (!this.clock) return lock();
    const waiting = lock();
    this.clock.set(visibleAt);
    return waiting;
  }
}

/** A commit for `item` that changes only what `changes` says. */
export function commitOf(item: InstanceWorkItem, changes: Partial<InstanceCommit>): InstanceCommit {
  return { instance: item.instance ?? null, history: { append: [] }, messages: [], activities: [], ...changes };
}
