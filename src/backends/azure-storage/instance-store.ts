// The `{Hub}Instances` table: one row per instance (specs/backends.md A6), with queries in the OData form DT.AS
// uses (A6.3).

import { DurableRuntimeError } from '../../core';
import { odata, type TableClient } from '@azure/data-tables';
import type { InstanceRecord } from '../../core';
import type { InstancePage, InstanceQuery } from '../backend';
import { compareInstanceOrder, decodeContinuationToken, encodeContinuationToken, instanceOrderKey, type InstanceOrderKey } from '../instance-order';
import { checkpointOf, generationOf, instanceRecordToRow, rowToInstanceRecord } from './instance-table-rows';
import { escapePartitionKey, unescapePartitionKey } from './key-sanitation';
import type { LargePayloadStore } from './large-payload-store';
import { isConcurrencyConflict, statusOf } from './storage-errors';
import { readDateColumn, type TableRow } from './history-table-rows';

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
  constructor(
    private readonly table: TableClient,
    private readonly payloads: LargePayloadStore,
    private readonly hubName: string,
  ) {}

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
      if (statusOf(error) === 404 && etag === undefined) return;
      if (isConcurrencyConflict(error) || statusOf(error) === 404) throw new InstanceRowConflictError(instanceId);
      throw error;
    }
  }

  /**
   * Matching instances in creation order (then instance id), the order every backend pages in. The table returns
   * rows in key order, so a page is chosen from the keys and creation times of all matches, then read in full.
   */
  async query(query: InstanceQuery): Promise<InstancePage> {
    if (query.pageSize !== undefined && !(Number.isInteger(query.pageSize) && query.pageSize > 0)) {
      throw new RangeError(`Invalid pageSize ${query.pageSize}: pass a positive whole number, or none for all instances.`);
    }
    const filter = instanceQueryFilter(query);
    const after = query.continuationToken === undefined ? undefined : decodeContinuationToken(query.continuationToken);
    if (query.pageSize === undefined) {
      const records = await this.list(filter);
      const keys = records.map((record) => ({ record, key: instanceOrderKey(record.createdAt, record.instanceId) })).sort((a, b) => compareInstanceOrder(a.key, b.key));
      return { instances: keys.filter(({ key }) => !after || compareInstanceOrder(key, after) > 0).map(({ record }) => record) };
    }
    const keys: { partitionKey: string; key: InstanceOrderKey }[] = [];
    for await (const row of this.table.listEntities<TableRow>({ queryOptions: { filter, select: ['PartitionKey', 'CreatedTime'] } })) {
      keys.push({ partitionKey: row.partitionKey, key: instanceOrderKey(readDateColumn(row.CreatedTime) ?? '', unescapePartitionKey(row.partitionKey)) });
    }
    const rest = keys.sort((a, b) => compareInstanceOrder(a.key, b.key)).filter(({ key }) => !after || compareInstanceOrder(key, after) > 0);
    const page = rest.slice(0, query.pageSize);
    const byKey = new Map<string, InstanceRecord>();
    for (let i = 0; i < page.length; i += PAGE_READ_CHUNK) {
      const chunk = page.slice(i, i + PAGE_READ_CHUNK).map(({ partitionKey }) => odata`PartitionKey eq ${partitionKey}`);
      for (const record of await this.list(`(${chunk.join(' or ')}) and RowKey eq ''`)) byKey.set(escapePartitionKey(record.instanceId), record);
    }
    const instances = page.map(({ partitionKey }) => byKey.get(partitionKey)).filter((r): r is InstanceRecord => r !== undefined);
    if (page.length === rest.length) return { instances };
    return { instances, continuationToken: encodeContinuationToken(page[page.length - 1].key) };
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

/** Rows of one page are read with this many keys per OR-ed query. */
const PAGE_READ_CHUNK = 20;

/** A6.3: the OData filter for a query; entity ids start with '@', so a key range separates the two kinds. */
export function instanceQueryFilter(query: InstanceQuery): string | undefined {
  const terms: string[] = [];
  if (query.createdFrom) terms.push(`CreatedTime ge datetime'${new Date(query.createdFrom).toISOString()}'`);
  if (query.createdTo) terms.push(`CreatedTime le datetime'${new Date(query.createdTo).toISOString()}'`);
  if (query.statuses?.length) terms.push(`(${query.statuses.map((s) => odata`RuntimeStatus eq ${s}`).join(' or ')})`);
  if (query.instanceIdPrefix) {
    // Keys compare by UTF-16 code unit; U+FFFF sorts after every unit an id can continue with (surrogates too).
    const prefix = escapePartitionKey(query.instanceIdPrefix);
    terms.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${`${prefix}\uffff`}`);
  }
  const kind = query.kind ?? 'orchestration';
  if (kind === 'orchestration') terms.push(`(PartitionKey lt '@' or PartitionKey ge 'A')`);
  if (kind === 'entity') terms.push(`(PartitionKey ge '@' and PartitionKey lt 'A')`);
  return terms.length ? terms.join(' and ') : undefined;
}
