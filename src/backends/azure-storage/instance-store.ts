// The `{Hub}Instances` table: one row per instance (specs/backends.md A6), with queries in the OData form DT.AS
// uses (A6.3).

import { DurableRuntimeError } from '../../core';
import { odata, type TableClient } from '@azure/data-tables';
import type { InstanceRecord } from '../../core';
import type { InstancePage, InstanceQuery, StatusCounts } from '../backend';
import { checkInstanceFilter, matchesInstanceFilter, type CheckedInstanceFilter } from '../instance-filter';
import { instanceOrderKey, pageInOrder } from '../instance-order';
import { checkpointOf, generationOf, instanceRecordToRow, rowToInstanceRecord } from './instance-table-rows';
import { escapePartitionKey } from './key-sanitation';
import { InstanceIndex, timestampOf, type InstanceIndexOptions, type ReadRow } from './instance-index';
import type { LargePayloadStore } from './large-payload-store';
import { isConcurrencyConflict, statusOf } from './storage-errors';
import type { TableRow } from './history-table-rows';

export interface StoredInstance {
  record: InstanceRecord;
  /** 0 for a new id, +1 each time the id is reused (A6.1). */
  generation: number;
  /** The history checkpoint the row reflects (0 before the first). */
  checkpoint: number;
  etag: string;
}

/** The row changed (or appeared) since it was read. */
export class InstanceRowConflictError extends DurableRuntimeError {
  constructor(readonly instanceId: string) {
    super(`The Instances row of '${instanceId}' was changed concurrently`);
  }
}

export class InstanceStore {
  /** The creation-order index behind paged lists and counts (instance-index.ts). */
  readonly index: InstanceIndex;

  constructor(
    private readonly table: TableClient,
    private readonly payloads: LargePayloadStore,
    private readonly hubName: string,
    indexOptions: InstanceIndexOptions,
  ) {
    this.index = new InstanceIndex(table, indexOptions);
  }

  async get(instanceId: string): Promise<StoredInstance | undefined> {
    try {
      const row = await this.table.getEntity<TableRow>(escapePartitionKey(instanceId), '');
      return await this.fromRow(row);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Inserts the row (no `etag`: it must not exist) or replaces the row read with `etag`, and returns the new
   * ETag. InstanceRowConflictError if someone else wrote or deleted it meanwhile.
   */
  async write(record: InstanceRecord, generation: number, etag: string | undefined, checkpoint = 0): Promise<string> {
    const row = await this.toRow(record, generation, checkpoint);
    try {
      const response = etag === undefined ? await this.table.createEntity(row) : await this.table.updateEntity(row, 'Replace', { etag });
      return response.etag ?? '*';
    } catch (error) {
      if (isConcurrencyConflict(error) || statusOf(error) === 404) throw new InstanceRowConflictError(record.instanceId);
      throw error;
    }
  }

  /** Deletes the row; with `etag`, only if unchanged since read (InstanceRowConflictError otherwise). */
  async delete(instanceId: string, etag?: string): Promise<void> {
    try {
      await this.table.deleteEntity(escapePartitionKey(instanceId), '', etag ? { etag } : {});
    } catch (error) {
      if (isConcurrencyConflict(error) || (statusOf(error) === 404 && etag !== undefined)) throw new InstanceRowConflictError(instanceId);
      if (statusOf(error) !== 404) throw error;
    }
    this.index.forget(escapePartitionKey(instanceId));
  }

  /**
   * Matching instances in creation order (then instance id), or the reverse: the order every backend pages in. A
   * page is chosen on the index (instance-index.ts) and only its rows are read; without a page size every match is
   * read with the server-side filter.
   */
  async query(query: InstanceQuery): Promise<InstancePage> {
    const filter = checkInstanceFilter(query);
    const { pageSize } = query;
    if (pageSize !== undefined) return this.index.page(filter, { ...query, pageSize }, (keys) => this.readRows(keys));
    const entries = (await this.matching(filter)).map((record) => ({ key: instanceOrderKey(record.createdAt, record.instanceId), value: record }));
    return { instances: pageInOrder(entries, query).values };
  }

  /** Every match, read with the server-side filter (so purges by filter never rely on the index), in no order. */
  async matching(filter: CheckedInstanceFilter): Promise<InstanceRecord[]> {
    return (await this.list(instanceQueryFilter(filter))).filter((record) => matchesInstanceFilter(filter, record));
  }

  /** Counts by status, on the index. */
  async count(query: InstanceQuery): Promise<StatusCounts> {
    return this.index.count(checkInstanceFilter(query), (keys) => this.readRows(keys));
  }

  /**
   * The rows of these partition keys, read in full: MAX_KEYS_PER_QUERY keys per OR-ed query, a few queries at a
   * time. Rows that do not exist are absent from the map.
   */
  async readRows(partitionKeys: string[]): Promise<Map<string, ReadRow>> {
    const chunks: string[][] = [];
    for (let i = 0; i < partitionKeys.length; i += MAX_KEYS_PER_QUERY) chunks.push(partitionKeys.slice(i, i + MAX_KEYS_PER_QUERY));
    const rows = new Map<string, ReadRow>();
    let next = 0;
    const reader = async () => {
      for (let i = next++; i < chunks.length; i = next++) {
        const filter = `(${chunks[i].map((key) => odata`PartitionKey eq ${key}`).join(' or ')}) and RowKey eq ''`;
        for await (const row of this.table.listEntities<TableRow>({ queryOptions: { filter } })) {
          const timestamp = timestampOf(row.timestamp);
          rows.set(String(row.partitionKey), { record: (await this.fromRow(row)).record, timestamp });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, chunks.length) }, reader));
    return rows;
  }

  private async list(filter: string | undefined): Promise<InstanceRecord[]> {
    const records: InstanceRecord[] = [];
    for await (const row of this.table.listEntities<TableRow>({ queryOptions: filter ? { filter } : {} })) records.push((await this.fromRow(row)).record);
    return records;
  }

  private async toRow(record: InstanceRecord, generation: number, checkpoint: number): Promise<TableRow> {
    const row = instanceRecordToRow(record, this.hubName, generation, checkpoint);
    // Stable blob names: each write of a large Input/Output overwrites the previous blob instead of adding one.
    await this.payloads.offloadLargeProperties(row, record.instanceId, 'instance', true);
    return row;
  }

  private async fromRow(row: TableRow): Promise<StoredInstance> {
    await this.payloads.restoreLargeProperties(row);
    return { record: rowToInstanceRecord(row), generation: generationOf(row), checkpoint: checkpointOf(row), etag: String(row.etag) };
  }
}

/**
 * Keys per OR-ed query: the Table service accepts at most 15 comparisons in a filter, and `RowKey eq ''` is one
 * (https://learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities#constructing-filter-strings).
 */
export const MAX_KEYS_PER_QUERY = 14;
/** Queries of one readRows in flight at once. */
const PARALLEL_READS = 8;

/**
 * A6.3: the OData filter that narrows what is read (the custom-status text is matched on the rows); entity ids start
 * with '@', so a key range separates the two kinds.
 */
export function instanceQueryFilter(filter: CheckedInstanceFilter): string | undefined {
  const terms: string[] = [];
  if (filter.createdFrom !== undefined) terms.push(`CreatedTime ge datetime'${new Date(filter.createdFrom).toISOString()}'`);
  if (filter.createdTo !== undefined) terms.push(`CreatedTime le datetime'${new Date(filter.createdTo).toISOString()}'`);
  if (filter.name !== undefined) terms.push(odata`Name eq ${filter.name}`);
  if (filter.statuses) terms.push(`(${[...filter.statuses].map((s) => odata`RuntimeStatus eq ${s}`).join(' or ')})`);
  if (filter.instanceIdPrefix !== undefined) {
    // Keys compare by UTF-16 code unit; U+FFFF sorts after every unit an id can continue with (surrogates too).
    const prefix = escapePartitionKey(filter.instanceIdPrefix);
    terms.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${`${prefix}\uffff`}`);
  }
  const { kind } = filter;
  if (kind === 'orchestration') terms.push(`(PartitionKey lt '@' or PartitionKey ge 'A')`);
  if (kind === 'entity') terms.push(`(PartitionKey ge '@' and PartitionKey lt 'A')`);
  return terms.length ? terms.join(' and ') : undefined;
}
