// The `{Hub}History` table: reads the current execution's events and writes checkpoints guarded by the sentinel
// row's ETag, so two workers can never both commit the same episode (specs/backends.md A5.4, A5.6).

import { DurableRuntimeError } from '../../core';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type { HistoryEvent } from '../../core';
import { historyEventToRow, historyRowKey, rowToHistoryEvent, SENTINEL_ROW_KEY, edmDateTime, type TableRow } from './history-table-rows';
import { escapePartitionKey } from './key-sanitation';
import type { LargePayloadStore } from './large-payload-store';
import { isConcurrencyConflict, statusOf } from './storage-errors';

/**
 * Not in DT.AS: what each checkpoint also writes into the sentinel, in the same entity-group transaction as the
 * history. A commit is history first, Instances row second, message deletes last (A8.5); if a worker dies in
 * between, the next one finds here the record the Instances row should have (and rolls it forward) and the
 * messages that were already processed (and drops them), so the commit takes effect exactly once.
 */
export interface CheckpointMark {
  /** Counts the checkpoints of this generation; the Instances row carries the number it reflects. */
  number: number;
  /** Instances row Generation the checkpoint belongs to. */
  generation: number;
  /** The committed InstanceRecord as JSON; absent when the commit left no record. */
  record?: string;
  /** Ids of the queue messages the checkpoint consumed. */
  processedMessageIds: string[];
}

/** What a read returns and the next write needs. */
export interface StoredHistory {
  events: HistoryEvent[];
  /** The sentinel's execution id; undefined when the instance has no history. */
  executionId?: string;
  /** The sentinel's ETag; undefined when the instance has no history (the next write adds the sentinel). */
  etag?: string;
  /** Absent for histories written by DT.AS itself. */
  mark?: CheckpointMark;
}

/** A checkpoint: `events` go to positions `from`, `from + 1`, …; rows from the end up to `staleUntil` are deleted. */
export interface HistoryCheckpoint {
  executionId: string;
  from: number;
  events: HistoryEvent[];
  /** Length of the stored history before this write; rows beyond the new end are removed. */
  previousLength: number;
}

/** The sentinel changed since we read it: another worker wrote this instance (DT.AS "SplitBrainDetected"). */
export class HistoryConflictError extends DurableRuntimeError {
  constructor(readonly instanceId: string) {
    super(`The history of '${instanceId}' was changed by another worker`);
  }
}

/** A5.4: at most 99 history rows plus the sentinel per entity-group transaction, and well under its 4 MB. */
const MAX_ROWS_PER_BATCH = 99;
const MAX_BATCH_BYTES = 3 * 1024 * 1024;
const ROW_OVERHEAD_BYTES = 1024;

export class HistoryStore {
  constructor(
    private readonly table: TableClient,
    private readonly payloads: LargePayloadStore,
  ) {}

  async read(instanceId: string): Promise<StoredHistory> {
    const partitionKey = escapePartitionKey(instanceId);
    const rows: TableRow[] = [];
    let sentinel: TableRow | undefined;
    for await (const row of this.table.listEntities<TableRow>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` } })) {
      if (row.rowKey === SENTINEL_ROW_KEY) sentinel = row;
      else rows.push(row);
    }
    if (!sentinel && rows.length === 0) return { events: [] };
    // A5.6: the sentinel names the execution; rows of an older execution beyond the current end are skipped.
    const executionId = (sentinel?.ExecutionId as string | undefined) ?? (rows[0]?.ExecutionId as string | undefined);
    const events: HistoryEvent[] = [];
    for (const row of rows) {
      if (row.ExecutionId !== executionId) break;
      await this.payloads.restoreLargeProperties(row);
      events.push(rowToHistoryEvent(row, instanceId));
    }
    if (sentinel) await this.payloads.restoreLargeProperties(sentinel);
    return { events, executionId, etag: sentinel?.etag as string | undefined, mark: sentinel && markOf(sentinel) };
  }

  /** Writes one checkpoint and returns the sentinel's new ETag. Throws HistoryConflictError if `etag` is stale. */
  async write(instanceId: string, checkpoint: HistoryCheckpoint, etag: string | undefined, mark: CheckpointMark): Promise<string> {
    const partitionKey = escapePartitionKey(instanceId);
    const actions: TransactionAction[] = [];
    for (const [i, event] of checkpoint.events.entries()) {
      const row = historyEventToRow(event, partitionKey, checkpoint.from + i, checkpoint.executionId);
      await this.payloads.offloadLargeProperties(row, instanceId, `history-${row.rowKey}-${String(row.EventType)}`);
      actions.push(['upsert', row, 'Replace']);
    }
    const end = checkpoint.from + checkpoint.events.length;
    for (let sequence = end; sequence < checkpoint.previousLength; sequence++) {
      actions.push(['delete', { partitionKey, rowKey: historyRowKey(sequence) }]);
    }
    const batches = splitIntoBatches(actions);
    let current = etag;
    for (const [index, batch] of batches.entries()) {
      const last = index === batches.length - 1;
      const sentinel: TableRow = {
        partitionKey,
        rowKey: SENTINEL_ROW_KEY,
        ExecutionId: checkpoint.executionId,
        IsCheckpointComplete: last,
      };
      if (last) {
        sentinel.CheckpointCompletedTimestamp = edmDateTime(new Date().toISOString());
        Object.assign(sentinel, markColumns(mark));
        await this.payloads.offloadLargeProperties(sentinel, instanceId, 'sentinel', true);
      }
      // First checkpoint: Add fails with 409 if another worker created the history meanwhile; later: If-Match.
      const sentinelAction: TransactionAction = current === undefined ? ['create', sentinel] : ['update', sentinel, 'Merge', { etag: current }];
      current = await this.submit(instanceId, [...batch, sentinelAction]);
    }
    return current as string;
  }

  /** Deletes every row of the instance, the sentinel included. */
  async delete(instanceId: string): Promise<void> {
    const partitionKey = escapePartitionKey(instanceId);
    const keys: TransactionAction[] = [];
    for await (const row of this.table.listEntities<TableRow>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, select: ['RowKey'] },
    })) {
      keys.push(['delete', { partitionKey, rowKey: row.rowKey }]);
    }
    for (let i = 0; i < keys.length; i += MAX_ROWS_PER_BATCH + 1) {
      await this.table.submitTransaction(keys.slice(i, i + MAX_ROWS_PER_BATCH + 1)).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
    }
  }

  private async submit(instanceId: string, actions: TransactionAction[]): Promise<string> {
    try {
      const response = await this.table.submitTransaction(actions);
      const sentinel = response.subResponses.find((r) => r.rowKey === SENTINEL_ROW_KEY) ?? response.subResponses[response.subResponses.length - 1];
      if (!sentinel?.etag) throw new Error(`The history checkpoint of '${instanceId}' returned no sentinel ETag`);
      return sentinel.etag;
    } catch (error) {
      // 404: the sentinel is gone (purged) — also someone else's doing.
      if (isConcurrencyConflict(error) || statusOf(error) === 404) throw new HistoryConflictError(instanceId);
      throw error;
    }
  }
}

function markColumns(mark: CheckpointMark): Record<string, unknown> {
  const columns: Record<string, unknown> = {
    Checkpoint: mark.number,
    Generation: mark.generation,
    ProcessedMessageIds: JSON.stringify(mark.processedMessageIds),
  };
  if (mark.record !== undefined) columns.InstanceRecord = mark.record;
  return columns;
}

function markOf(sentinel: TableRow): CheckpointMark | undefined {
  if (typeof sentinel.Checkpoint !== 'number') return undefined;
  return {
    number: sentinel.Checkpoint,
    generation: typeof sentinel.Generation === 'number' ? sentinel.Generation : 0,
    record: typeof sentinel.InstanceRecord === 'string' ? sentinel.InstanceRecord : undefined,
    processedMessageIds: typeof sentinel.ProcessedMessageIds === 'string' ? (JSON.parse(sentinel.ProcessedMessageIds) as string[]) : [],
  };
}

function splitIntoBatches(actions: TransactionAction[]): TransactionAction[][] {
  const batches: TransactionAction[][] = [];
  let batch: TransactionAction[] = [];
  let bytes = 0;
  for (const action of actions) {
    const size = estimateBytes(action[1]);
    if (batch.length >= MAX_ROWS_PER_BATCH || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(action);
    bytes += size;
  }
  batches.push(batch);
  return batches;
}

/** A5.4: 1 KB per row plus the UTF-16 size of its string properties. */
function estimateBytes(row: Record<string, unknown>): number {
  let bytes = ROW_OVERHEAD_BYTES;
  for (const value of Object.values(row)) if (typeof value === 'string') bytes += value.length * 2;
  return bytes;
}
