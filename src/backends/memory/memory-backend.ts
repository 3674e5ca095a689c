// The reference Backend: all state in this process's memory, time from an injected Clock so that tests and
// createTestEnvironment can jump over timers. Every other backend is held to what this one does by
// test/conformance/backend-conformance.ts. Each operation runs synchronously to its end, so each is atomic.
//
// Locks never expire by time here: there is one process, so no other worker can need the instance, and with a
// ManualClock a time skip would otherwise break a long invocation. A lock ends only by complete, abandon, or
// when the instance is purged or replaced (its holder then gets LockLostError).

import { systemClock } from '../../core';
import type { ActivityTask, Clock, HistoryEvent, InstanceRecord, OutboundMessage, TaskMessage } from '../../core';
import type {
  ActivityWorkItemLease,
  Backend,
  CreateInstanceOptions,
  InstanceCommit,
  InstancePage,
  InstanceQuery,
  InstanceWorkItem,
  PurgeFilter,
  StatusCounts,
} from '../backend';
import { InstanceExistsError, LockLostError } from '../errors';
import { checkInstanceFilter, checkPurgeFilter, matchesInstanceFilter } from '../instance-filter';
import { ChangeNotifier } from './change-notifier';
import { frozenCopy, plainCopy } from './frozen-copy';
import { countByStatus, pageOf } from './instance-query';
import { VisibilityAlarm } from './visibility-alarm';

export interface MemoryBackendOptions {
  /** Default: the system clock. Pass a ManualClock to move time yourself. */
  clock?: Clock;
  /** How long lockNextInstance / lockNextActivity wait for work, in real ms, when no signal ends the wait first. */
  maxWaitMs?: number;
}

// Stored records, histories and tasks are frozen copies (frozen-copy.ts): work items carry them as they are
// (read-only, see InstanceWorkItem), while client reads and inbox messages still get copies of their own.

interface StoredMessage {
  messageId: string;
  message: TaskMessage;
  /** Epoch ms by the backend's clock. */
  visibleAt: number;
  dequeueCount: number;
  /** Kept by a commit (keepMessageIds): goes out with the instance's next work item but does not start one. */
  held: boolean;
}

interface InstanceEntry {
  record?: Readonly<InstanceRecord>;
  history: readonly HistoryEvent[];
  /** In arrival order. */
  inbox: StoredMessage[];
  lock?: { token: string; messageIds: Set<string> };
}

interface StoredActivity {
  messageId: string;
  task: Readonly<ActivityTask>;
  visibleAt: number;
  dequeueCount: number;
  lockToken?: string;
}

const DEFAULT_MAX_WAIT_MS = 30_000;
const EMPTY_HISTORY: readonly HistoryEvent[] = Object.freeze([]);

export class MemoryBackend implements Backend {
  readonly description = 'memory';
  private readonly clock: Clock;
  private readonly maxWaitMs: number;
  private readonly entries = new Map<string, InstanceEntry>();
  /** Ids of entries with inbox messages or a lock, least recently locked first (round-robin fairness). */
  private readonly busy = new Set<string>();
  /** Lock token → instance id. */
  private readonly locks = new Map<string, string>();
  /** In queue order. */
  private readonly activities = new Map<string, StoredActivity>();
  private readonly instanceWaiters = new ChangeNotifier();
  private readonly activityWaiters = new ChangeNotifier();
  private readonly alarm: VisibilityAlarm;
  /** Activities enqueued and not yet answered, per instance. */
  private readonly activitiesOut = new Map<string, number>();
  /** Instances given an answer this event-loop turn while more of their activities are out (see gate()). */
  private readonly gated = new Set<string>();
  private gateOpening?: NodeJS.Immediate;
  private lastId = 0;
  private stopped = false;

  constructor(options: MemoryBackendOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.alarm = new VisibilityAlarm(this.clock, () => this.notifyAll());
  }

  async start(): Promise<void> {
    this.stopped = false;
  }

  /** Ends every waiting lock call (they return undefined) and hands out no more work until start(). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.notifyAll();
  }

  // --- Client operations

  async createInstance(record: InstanceRecord, start: OutboundMessage, options: CreateInstanceOptions): Promise<void> {
    const existing = this.entries.get(record.instanceId);
    if (existing?.record && !options.replaceableStatuses.includes(existing.record.status)) {
      throw new InstanceExistsError(record.instanceId, existing.record.status);
    }
    const entry = this.entryOf(record.instanceId);
    // A work item of the replaced execution must not write over the new one.
    this.endLock(entry);
    entry.record = frozenCopy(record);
    entry.history = EMPTY_HISTORY;
    this.enqueue(start);
    this.instanceWaiters.notify();
  }

  async sendMessages(messages: OutboundMessage[]): Promise<void> {
    for (const message of messages) this.enqueue(message);
    this.instanceWaiters.notify();
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    const record = this.entries.get(instanceId)?.record;
    return record && plainCopy(record);
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    return plainCopy((this.entries.get(instanceId)?.history ?? EMPTY_HISTORY) as HistoryEvent[]);
  }

  async queryInstances(query: InstanceQuery): Promise<InstancePage> {
    const filter = checkInstanceFilter(query);
    const matching = this.records().filter((record) => matchesInstanceFilter(filter, record));
    return plainCopy(pageOf(matching, query));
  }

  async countInstances(query: Omit<InstanceQuery, 'descending' | 'pageSize' | 'continuationToken'>): Promise<StatusCounts> {
    const filter = checkInstanceFilter(query);
    return countByStatus(this.records().filter((record) => matchesInstanceFilter(filter, record)));
  }

  async purgeInstance(instanceId: string): Promise<boolean> {
    const entry = this.entries.get(instanceId);
    if (!entry?.record) return false;
    this.endLock(entry);
    this.entries.delete(instanceId);
    this.busy.delete(instanceId);
    return true;
  }

  async purgeInstances(filter: PurgeFilter): Promise<number> {
    const checked = checkPurgeFilter(filter);
    if (!checked) return 0;
    const doomed = this.records().filter((record) => matchesInstanceFilter(checked, record));
    for (const record of doomed) await this.purgeInstance(record.instanceId);
    return doomed.length;
  }

  // --- Instance work items

  lockNextInstance(signal?: AbortSignal): Promise<InstanceWorkItem | undefined> {
    return this.waitFor(() => this.lockVisibleInstance(), this.instanceWaiters, signal);
  }

  async completeInstance(item: InstanceWorkItem, commit: InstanceCommit): Promise<void> {
    const entry = this.lockedEntry(item);
    if (commit.instance && commit.instance.instanceId !== item.instanceId) {
      throw new RangeError(`The commit for '${item.instanceId}' carries the record of '${commit.instance.instanceId}'; a work item may only write its own instance.`);
    }
    const handedOut = entry.lock!.messageIds;
    const kept = new Set(commit.keepMessageIds ?? []);
    entry.inbox = entry.inbox.filter((m) => !handedOut.has(m.messageId) || kept.has(m.messageId));
    for (const message of entry.inbox) if (handedOut.has(message.messageId)) message.held = true;
    if (commit.instance === null) {
      entry.record = undefined;
      entry.history = EMPTY_HISTORY;
    } else {
      entry.record = frozenCopy(commit.instance);
      // A new array each time (the old one may still be in a reader's hands); the events themselves are shared.
      entry.history = Object.freeze('replace' in commit.history
        ? frozenCopy(commit.history.replace)
        : entry.history.concat(frozenCopy(commit.history.append)));
    }
    this.endLock(entry);
    for (const message of commit.messages) this.enqueue(message);
    for (const task of commit.activities) this.enqueueActivity(task);
    this.tidy(item.instanceId);
    this.notifyAll();
  }

  async abandonInstance(item: InstanceWorkItem, delayMs = 0): Promise<void> {
    const entry = this.entries.get(item.instanceId);
    if (!entry || entry.lock?.token !== item.lockToken) return;
    const visibleAt = this.clock.now() + Math.max(0, delayMs);
    for (const message of entry.inbox) {
      if (!entry.lock.messageIds.has(message.messageId)) continue;
      message.visibleAt = visibleAt;
      message.held = false;
    }
    this.endLock(entry);
    this.wakeAt(visibleAt);
    this.instanceWaiters.notify();
  }

  // --- Activity work items

  lockNextActivity(signal?: AbortSignal): Promise<ActivityWorkItemLease | undefined> {
    return this.waitFor(() => this.leaseVisibleActivity(), this.activityWaiters, signal);
  }

  async completeActivity(lease: ActivityWorkItemLease, result: OutboundMessage): Promise<void> {
    this.leasedActivity(lease, true);
    this.activities.delete(lease.messageId);
    const out = (this.activitiesOut.get(lease.task.instanceId) ?? 1) - 1;
    if (out > 0) {
      this.activitiesOut.set(lease.task.instanceId, out);
      this.gate(lease.task.instanceId);
    } else {
      this.activitiesOut.delete(lease.task.instanceId);
    }
    this.enqueue(result);
    this.instanceWaiters.notify();
  }

  async abandonActivity(lease: ActivityWorkItemLease, delayMs = 0): Promise<void> {
    const activity = this.leasedActivity(lease, false);
    if (!activity) return;
    activity.lockToken = undefined;
    activity.visibleAt = this.clock.now() + Math.max(0, delayMs);
    // To the back of the queue, as a queue message whose visibility was reset.
    this.activities.delete(activity.messageId);
    this.activities.set(activity.messageId, activity);
    this.wakeAt(activity.visibleAt);
    this.activityWaiters.notify();
  }

  // --- For time skipping (src/testing): not part of the Backend interface

  /** Earliest visibility time (epoch ms) of any message or activity not handed out; ≤ now when one is visible. */
  nextVisibleAt(): number | undefined {
    return this.earliestVisibleAt(-Infinity);
  }

  /** True when no instance or activity is locked and nothing is visible now: only time can bring new work. */
  isIdle(): boolean {
    if (this.locks.size > 0) return false;
    const now = this.clock.now();
    for (const activity of this.activities.values()) if (activity.lockToken || activity.visibleAt <= now) return false;
    for (const id of this.busy) if (hasVisibleMessage(this.entries.get(id)!, now)) return false;
    return true;
  }

  // --- Internals

  /** Tries `take` whenever something changed, until it yields, the signal aborts, the backend stops, or maxWaitMs passes. */
  private async waitFor<T>(take: () => T | undefined, waiters: ChangeNotifier, signal: AbortSignal | undefined): Promise<T | undefined> {
    const deadline = Date.now() + this.maxWaitMs;
    try {
      for (;;) {
        if (this.stopped) return undefined;
        const found = take();
        const remaining = deadline - Date.now();
        if (found !== undefined || signal?.aborted || remaining <= 0) return found;
        // No await between the look and the wait: a change cannot slip in unseen.
        this.alarm.arm(() => this.earliestVisibleAt(this.clock.now()));
        await waiters.wait(signal, remaining);
      }
    } finally {
      if (this.instanceWaiters.waiting + this.activityWaiters.waiting === 0) this.alarm.disarm();
    }
  }

  private lockVisibleInstance(): InstanceWorkItem | undefined {
    const now = this.clock.now();
    for (const instanceId of this.busy) {
      const entry = this.entries.get(instanceId)!;
      if (entry.lock || this.gated.has(instanceId) || !hasVisibleMessage(entry, now)) continue;
      const messages = entry.inbox.filter((m) => m.held || m.visibleAt <= now);
      const token = this.newId('lock');
      entry.lock = { token, messageIds: new Set(messages.map((m) => m.messageId)) };
      this.locks.set(token, instanceId);
      this.busy.delete(instanceId);
      this.busy.add(instanceId);
      for (const message of messages) message.dequeueCount++;
      return {
        instanceId,
        ...(entry.record && { instance: entry.record as InstanceRecord }),
        history: entry.history,
        // Copies: their events become the caller's history to append (backend-conformance "copies data in and out").
        messages: messages.map((m) => ({ ...plainCopy(m.message), messageId: m.messageId, dequeueCount: m.dequeueCount })),
        lockToken: token,
      };
    }
    return undefined;
  }

  private leaseVisibleActivity(): ActivityWorkItemLease | undefined {
    const now = this.clock.now();
    for (const activity of this.activities.values()) {
      if (activity.lockToken || activity.visibleAt > now) continue;
      activity.lockToken = this.newId('lease');
      activity.dequeueCount++;
      const { messageId, dequeueCount, lockToken } = activity;
      return { task: activity.task, messageId, dequeueCount, lockToken };
    }
    return undefined;
  }

  private lockedEntry(item: InstanceWorkItem): InstanceEntry {
    const entry = this.entries.get(item.instanceId);
    if (!entry || entry.lock?.token !== item.lockToken) {
      throw new LockLostError(item.instanceId, 'the work item was already completed or abandoned, or the instance was purged or replaced meanwhile');
    }
    return entry;
  }

  private leasedActivity(lease: ActivityWorkItemLease, required: boolean): StoredActivity | undefined {
    const activity = this.activities.get(lease.messageId);
    if (activity && activity.lockToken === lease.lockToken) return activity;
    if (!required) return undefined;
    throw new LockLostError(lease.task.instanceId, `activity '${lease.task.event.name}' (message ${lease.messageId}) was already completed or abandoned`);
  }

  /** Releases the entry's lock, if any; its messages that are still in the inbox wait for the next work item. */
  private endLock(entry: InstanceEntry): void {
    if (!entry.lock) return;
    this.locks.delete(entry.lock.token);
    entry.lock = undefined;
  }

  private enqueue(message: OutboundMessage): void {
    const { visibleAt, ...taskMessage } = message;
    const entry = this.entryOf(message.instanceId);
    const stored: StoredMessage = {
      messageId: this.newId('msg'),
      message: plainCopy(taskMessage),
      visibleAt: visibleAt ?? this.clock.now(),
      dequeueCount: 0,
      held: false,
    };
    entry.inbox.push(stored);
    this.busy.add(message.instanceId);
    this.wakeAt(stored.visibleAt);
  }

  private enqueueActivity(task: ActivityTask): void {
    this.activitiesOut.set(task.instanceId, (this.activitiesOut.get(task.instanceId) ?? 0) + 1);
    const messageId = this.newId('activity');
    this.activities.set(messageId, { messageId, task: frozenCopy(task), visibleAt: this.clock.now(), dequeueCount: 0 });
  }

  private entryOf(instanceId: string): InstanceEntry {
    let entry = this.entries.get(instanceId);
    if (!entry) {
      entry = { history: EMPTY_HISTORY, inbox: [] };
      this.entries.set(instanceId, entry);
    }
    return entry;
  }

  /** Forgets what no longer holds anything: an idle inbox, an entry with no record and no messages. */
  private tidy(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry || entry.inbox.length > 0 || entry.lock) return;
    this.busy.delete(instanceId);
    if (!entry.record) this.entries.delete(instanceId);
  }

  private records(): InstanceRecord[] {
    const records: InstanceRecord[] = [];
    for (const entry of this.entries.values()) if (entry.record) records.push(entry.record as InstanceRecord);
    return records;
  }

  /** Earliest visibility time after `after` of a message or activity that is not handed out. */
  private earliestVisibleAt(after: number): number | undefined {
    let earliest: number | undefined;
    const consider = (at: number) => {
      if (at > after && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const activity of this.activities.values()) if (!activity.lockToken) consider(activity.visibleAt);
    for (const id of this.busy) {
      const entry = this.entries.get(id)!;
      for (const message of entry.inbox) if (!message.held && !entry.lock?.messageIds.has(message.messageId)) consider(message.visibleAt);
    }
    return earliest;
  }

  /** A message became due later than now: make sure a waiting caller wakes then. */
  private wakeAt(visibleAt: number): void {
    if (this.instanceWaiters.waiting + this.activityWaiters.waiting > 0 && visibleAt > this.clock.now()) this.alarm.arm(visibleAt);
  }

  /**
   * Holds the instance back from lock callers until the current event-loop turn ends. Its answers then go out
   * together in one work item: without this, a fan-out of n activities whose answers arrive one by one would be
   * replayed once per answer (n episodes, each replaying a history that grows with n).
   */
  private gate(instanceId: string): void {
    this.gated.add(instanceId);
    this.gateOpening ??= setImmediate(() => {
      this.gateOpening = undefined;
      this.gated.clear();
      this.instanceWaiters.notify();
    });
  }

  private notifyAll(): void {
    this.instanceWaiters.notify();
    this.activityWaiters.notify();
  }

  private newId(kind: string): string {
    return `${kind}-${++this.lastId}`;
  }
}

/** A message not yet handed out whose time has come. */
function hasVisibleMessage(entry: InstanceEntry, now: number): boolean {
  return entry.inbox.some((m) => !m.held && m.visibleAt <= now);
}
