// An instance's durable state across the two tables: loading it for a work item (from this worker's cache when it
// can) and writing one checkpoint — history under the sentinel ETag, then the Instances row under its ETag
// (specs/backends.md A5.4, A6.2, A8.5 b–c). The sentinel also records what the checkpoint committed, so a
// checkpoint that stopped half-way is rolled forward by the next reader (history-store.ts CheckpointMark).

import type { HistoryEvent, InstanceRecord, Logger } from '../../core';
import type { InstanceCommit } from '../backend';
import type { CheckpointMark, HistoryStore, StoredHistory } from './history-store';
import type { InstanceState, InstanceStateCache } from './instance-state-cache';
import { InstanceRowConflictError, type InstanceStore, type StoredInstance } from './instance-store';

export class InstanceCheckpoints {
  constructor(
    private readonly history: HistoryStore,
    private readonly instances: InstanceStore,
    private readonly cache: InstanceStateCache,
    private readonly logger: Logger,
  ) {}

  /**
   * The state a work item starts from: this worker's last commit if it has it, except that `batch.clientStart` (the
   * row was just written by a client) re-reads the Instances row. What this worker's own client created
   * (rememberCreated) stands in for both tables only while every message is a client's: a message an orchestration
   * or activity sent was sent by an execution this worker did not see, and must be judged against what is stored.
   */
  async load(instanceId: string, batch: { clientStart: boolean; clientMessagesOnly: boolean }): Promise<InstanceState> {
    const remembered = this.cache.get(instanceId);
    if (remembered?.createdHere) {
      if (batch.clientMessagesOnly) return remembered;
    } else if (remembered && !batch.clientStart) {
      return remembered;
    }
    const cached = remembered?.createdHere ? undefined : remembered;
    const [read, history] = await Promise.all([
      this.instances.get(instanceId),
      cached ? Promise.resolve(cachedHistory(cached)) : this.history.read(instanceId),
    ]);
    const stored = await this.rollForward(instanceId, read, history.mark);
    return {
      record: stored?.record,
      generation: stored?.generation ?? 0,
      instanceEtag: stored?.etag,
      history: history.events,
      historyExecutionId: history.executionId,
      historyEtag: history.etag,
      checkpoint: Math.max(history.mark?.number ?? 0, stored?.checkpoint ?? 0),
      processedMessageIds: history.mark?.processedMessageIds ?? [],
    };
  }

  /**
   * Writes the history and the record of one commit and returns the new state (also cached). Throws
   * HistoryConflictError or InstanceRowConflictError when another writer got there first.
   */
  async write(instanceId: string, state: InstanceState, commit: InstanceCommit, processedMessageIds: string[]): Promise<InstanceState> {
    const record = commit.instance ?? undefined;
    const replace = 'replace' in commit.history;
    const events = 'replace' in commit.history ? commit.history.replace : commit.history.append;
    const past = replace ? [] : currentHistory(state);
    const executionId = record?.executionId ?? state.historyExecutionId ?? '';
    if (!record && events.length === 0 && !state.record) {
      // A discarded message for an instance that does not exist: nothing to write.
      return this.remember(instanceId, { generation: state.generation, history: [], checkpoint: state.checkpoint, processedMessageIds: [] });
    }
    const mark: CheckpointMark = {
      number: state.checkpoint + 1,
      generation: state.generation,
      record: record && JSON.stringify(record),
      processedMessageIds,
    };
    const historyEtag = await this.history.write(
      instanceId,
      { executionId, from: past.length, events, previousLength: state.history.length },
      state.historyEtag,
      mark,
    );
    // A6.2 with the row's ETag: a client that replaced or purged the instance meanwhile wins.
    try {
      if (record) {
        const instanceEtag = await this.instances.write(record, state.generation, state.instanceEtag, mark.number);
        return this.remember(instanceId, {
          record,
          generation: state.generation,
          instanceEtag,
          history: [...past, ...events],
          historyExecutionId: executionId,
          historyEtag,
          checkpoint: mark.number,
          processedMessageIds,
        });
      }
      // `null`: the instance leaves no record (A6.2 purge order).
      await this.instances.delete(instanceId, state.instanceEtag);
      await this.history.delete(instanceId);
      return this.remember(instanceId, { generation: state.generation, history: [], checkpoint: 0, processedMessageIds: [] });
    } catch (error) {
      // Purged while we worked: do not leave the history just written behind.
      if (error instanceof InstanceRowConflictError && !(await this.instances.get(instanceId))) await this.history.delete(instanceId);
      throw error;
    }
  }

  /**
   * A worker that died between writing history and writing the Instances row left the row behind its history:
   * the sentinel holds the record that checkpoint committed, so write it now.
   */
  private async rollForward(instanceId: string, stored: StoredInstance | undefined, mark: CheckpointMark | undefined): Promise<StoredInstance | undefined> {
    if (mark?.record === undefined || mark.generation !== (stored?.generation ?? mark.generation) || mark.number <= (stored?.checkpoint ?? 0)) {
      return stored;
    }
    const record = JSON.parse(mark.record) as InstanceRecord;
    const etag = await this.instances.write(record, mark.generation, stored?.etag, mark.number);
    this.logger.info(`Rolled the Instances row of '${instanceId}' forward to history checkpoint ${mark.number}: the worker that wrote the history stopped before updating the row.`);
    return { record, generation: mark.generation, checkpoint: mark.number, etag };
  }

  /**
   * An instance this worker's own client just created where no row existed. Its first work item needs neither the
   * Instances row (it is `record`, with `etag`) nor the history: there is none, or a dead worker's leftovers whose
   * sentinel makes the first commit fail and the work item reload, as after any conflict. That saves the point read
   * and the history query of every start made through this worker. Whatever this worker already holds for the id is
   * newer or handled by the client start's re-read, and is kept: this worker may even have run the start already.
   */
  rememberCreated(record: InstanceRecord, etag: string): void {
    if (this.cache.has(record.instanceId)) return;
    this.remember(record.instanceId, { record, generation: 0, instanceEtag: etag, history: [], checkpoint: 0, processedMessageIds: [], createdHere: true });
  }

  /** The instance was written over by a client: what this worker remembers of it is no starting point. */
  forget(instanceId: string): void {
    this.cache.delete(instanceId);
  }

  private remember(instanceId: string, state: InstanceState): InstanceState {
    this.cache.set(instanceId, state);
    return state;
  }
}

/** The history of the record's execution; none yet when the stored history belongs to an earlier execution. */
export function currentHistory(state: InstanceState): HistoryEvent[] {
  if (!state.record || state.historyExecutionId !== state.record.executionId) return [];
  return state.history;
}

function cachedHistory(state: InstanceState): StoredHistory {
  return {
    events: state.history,
    executionId: state.historyExecutionId,
    etag: state.historyEtag,
    mark: { number: state.checkpoint, generation: state.generation, processedMessageIds: [...state.processedMessageIds] },
  };
}
