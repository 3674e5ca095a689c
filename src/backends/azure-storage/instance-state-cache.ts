// What this worker last committed for an instance it owns: its record and history, plus the ETags of the history
// sentinel and the Instances row. The next work item for the instance starts from here instead of reading both
// tables again. It is safe because every commit is guarded by both ETags: if anyone else wrote the instance
// meanwhile, the commit fails with LockLostError and the entry is dropped.

import type { HistoryEvent, InstanceRecord } from '../../core';

export interface InstanceState {
  record?: InstanceRecord;
  /** Instances row Generation (A6.1). */
  generation: number;
  /** The Instances row's ETag; undefined when there is no row. A commit replaces the row only if unchanged. */
  instanceEtag?: string;
  history: HistoryEvent[];
  /** Execution id of the stored history, which may differ from the record's on a fresh start. */
  historyExecutionId?: string;
  /** Sentinel ETag; undefined when no history is stored yet. */
  historyEtag?: string;
  /** The last checkpoint's number and consumed message ids (history-store.ts CheckpointMark). */
  checkpoint: number;
  processedMessageIds: readonly string[];
  /**
   * This worker's client created the instance and nothing was committed since: the record is the row the client
   * wrote, so the client start need not be re-read (InstanceCheckpoints.rememberCreated).
   */
  createdHere?: boolean;
}

export class InstanceStateCache {
  private readonly entries = new Map<string, InstanceState>();

  constructor(private readonly capacity: number) {}

  get(instanceId: string): InstanceState | undefined {
    const state = this.entries.get(instanceId);
    if (state) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(instanceId);
      this.entries.set(instanceId, state);
    }
    return state;
  }

  has(instanceId: string): boolean {
    return this.entries.has(instanceId);
  }

  set(instanceId: string, state: InstanceState): void {
    this.entries.delete(instanceId);
    this.entries.set(instanceId, state);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(instanceId: string): void {
    this.entries.delete(instanceId);
  }

  /** Forgets the instances of a partition this worker no longer owns. */
  deleteWhere(predicate: (instanceId: string) => boolean): void {
    for (const instanceId of [...this.entries.keys()]) if (predicate(instanceId)) this.entries.delete(instanceId);
  }
}
