// An in-process index of the `{Hub}Instances` table in creation order, so a dashboard page or a count costs a
// refresh plus the rows of that page instead of a scan of the hub. The table layout stays the DT.AS one (no second
// table: Durable Functions Monitor and other readers see the same storage).
//
// - Built by one scan that reads only the key and the few columns the list filters need.
// - Refreshed before every paged list and count with `Timestamp ge <service Date of the previous refresh - 10 s>`:
//   the Table service stamps rows with its own clock, so the window is measured on that clock, and the margin
//   covers rows committed while the previous refresh was running.
// - Rows deleted by another host leave no trace a Timestamp query could see: a page reads its own rows and drops
//   such "ghosts" (and corrects rows recreated or changed since), and a rebuild every `rebuildIntervalMs` corrects
//   the counts. This host's own deletions leave the index at once.

import { odata, type TableClient } from '@azure/data-tables';
import type { Clock, InstanceRecord, Logger } from '../../core';
import type { InstancePage, InstanceQuery, StatusCounts } from '../backend';
import { matchesInstanceFilter, type CheckedInstanceFilter, type FilteredInstance } from '../instance-filter';
import { compareInstanceOrder, decodeContinuationToken, encodeContinuationToken, type InstanceOrderKey } from '../instance-order';
import { readDateColumn, type TableRow } from './history-table-rows';
import { optionalCustomStatus } from './instance-table-rows';
import { unescapePartitionKey } from './key-sanitation';

/** What the index keeps of one row: what the filter looks at (instance-filter.ts), and its place in the order. */
export interface IndexEntry extends FilteredInstance {
  partitionKey: string;
  key: InstanceOrderKey;
  /** key[0], as the filter reads it. */
  createdAt: number;
  /** The custom status when short; absent when none or when `customStatusUnread`. */
  customStatus?: string;
  /** The custom status is too long to keep here (or lives in a blob): a custom-status filter reads the row. */
  customStatusUnread: boolean;
  /** The row's Timestamp (ms): a read never replaces a newer entry. */
  timestamp: number;
}

/** A row read in full for a page: its record, and its Timestamp (ms). */
export interface ReadRow {
  record: InstanceRecord;
  timestamp: number;
}

/** Reads the full rows of these partition keys (absent from the map: the row does not exist). */
export type RowReader = (partitionKeys: string[]) => Promise<Map<string, ReadRow>>;

export interface InstanceIndexOptions {
  clock: Clock;
  logger: Logger;
  /** How often the whole table is scanned again, to forget rows other hosts deleted (default 5 minutes). */
  rebuildIntervalMs?: number;
}

/** Custom statuses up to this many characters are kept in the index; longer ones are read when searched. */
export const INDEXED_CUSTOM_STATUS_CHARS = 512;
/** Rows changed this long before the service's Date of the previous refresh are read again. */
export const REFRESH_OVERLAP_MS = 10_000;
export const DEFAULT_REBUILD_INTERVAL_MS = 5 * 60_000;

const SELECT = ['PartitionKey', 'Timestamp', 'CreatedTime', 'RuntimeStatus', 'Name', 'CustomStatus', 'CustomStatusBlobName'];
const ROWS = `RowKey eq ''`;

interface Scan {
  entries: IndexEntry[];
  /** The service's Date when the scan began (ms). */
  serviceDate: number;
}

export class InstanceIndex {
  private readonly byKey = new Map<string, IndexEntry>();
  /** Every entry, ascending by creation time then instance id. */
  private sorted: IndexEntry[] = [];
  private built = false;
  private builtAt = 0;
  /** The service's Date at the start of the last refresh (ms). */
  private since = 0;
  private running?: Promise<void>;
  private queued?: Promise<void>;
  /** A rebuild in progress, the keys forgotten while it runs, and its result once done. */
  private rebuild?: { forgotten: Set<string>; result?: Scan; done: Promise<void> };
  /** Keys forgotten while the first build's scan runs (it may have read them before they were deleted). */
  private forgottenWhileBuilding?: Set<string>;
  private readonly rebuildIntervalMs: number;

  constructor(
    private readonly table: TableClient,
    private readonly options: InstanceIndexOptions,
  ) {
    this.rebuildIntervalMs = options.rebuildIntervalMs ?? DEFAULT_REBUILD_INTERVAL_MS;
    if (!(this.rebuildIntervalMs > 0)) {
      throw new RangeError(`Invalid indexRebuildIntervalMs ${options.rebuildIntervalMs}: pass a positive number of milliseconds (default ${DEFAULT_REBUILD_INTERVAL_MS}).`);
    }
  }

  /** Brings the index up to date with the table; concurrent callers share a refresh that began after they called. */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.run();
    const queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.run();
      });
    this.queued = queued;
    return queued;
  }

  /** Forgets everything (the table was deleted); the next refresh builds the index again. */
  reset(): void {
    this.byKey.clear();
    this.sorted = [];
    this.built = false;
    this.rebuild = undefined;
    this.forgottenWhileBuilding = undefined;
  }

  /** Drops a row this host deleted. */
  forget(partitionKey: string): void {
    this.rebuild?.forgotten.add(partitionKey);
    this.forgottenWhileBuilding?.add(partitionKey);
    this.remove(partitionKey);
  }

  /**
   * One page in creation order, filtered on the index; each row of the page (and the one after it, which decides
   * whether there is a next page) is read in full and checked, and the index corrected where it was wrong.
   */
  async page(filter: CheckedInstanceFilter, query: Pick<InstanceQuery, 'continuationToken' | 'descending'> & { pageSize: number }, read: RowReader): Promise<InstancePage> {
    const { pageSize } = query;
    if (!(Number.isInteger(pageSize) && pageSize > 0)) {
      throw new RangeError(`Invalid pageSize ${pageSize}: pass a positive whole number, or none for all instances.`);
    }
    const after = query.continuationToken === undefined ? undefined : decodeContinuationToken(query.continuationToken);
    await this.refresh();
    const records = new Map<string, InstanceRecord>();
    const rejected = new Set<string>();
    for (;;) {
      const candidates = this.select(filter, query.descending === true, after, pageSize + 1, rejected);
      const unread = candidates.filter((entry) => !records.has(entry.partitionKey));
      if (unread.length === 0) {
        const instances = candidates.slice(0, pageSize).map((entry) => records.get(entry.partitionKey)!);
        if (candidates.length <= pageSize) return { instances };
        return { instances, continuationToken: encodeContinuationToken(candidates[pageSize - 1].key) };
      }
      const rows = await read(unread.map((entry) => entry.partitionKey));
      for (const entry of unread) {
        const row = rows.get(entry.partitionKey);
        if (!row) {
          // A ghost: deleted by another host since the index saw it.
          if (this.byKey.get(entry.partitionKey) === entry) this.remove(entry.partitionKey);
          rejected.add(entry.partitionKey);
          continue;
        }
        const fresh = entryOfRecord(entry.partitionKey, row);
        const current = this.byKey.get(entry.partitionKey);
        // Changed or recreated since the index saw it (unless a refresh meanwhile saw a newer version still).
        if (!current || (current.timestamp <= fresh.timestamp && !sameEntry(fresh, current))) this.put(fresh);
        if (matchesInstanceFilter(filter, row.record)) records.set(entry.partitionKey, row.record);
        else rejected.add(entry.partitionKey);
      }
    }
  }

  /** Counts by status on the index; rows whose custom status is not kept are read when the filter needs it. */
  async count(filter: CheckedInstanceFilter, read: RowReader): Promise<StatusCounts> {
    await this.refresh();
    const counts: StatusCounts = {};
    const unsure: IndexEntry[] = [];
    const add = (status: string) => {
      const key = status as keyof StatusCounts;
      counts[key] = (counts[key] ?? 0) + 1;
    };
    for (const entry of this.sorted) {
      if (!matchesInstanceFilter(filter, entry)) continue;
      if (filter.customStatusContains !== undefined && entry.customStatusUnread) unsure.push(entry);
      else add(entry.status);
    }
    if (unsure.length) {
      const rows = await read(unsure.map((entry) => entry.partitionKey));
      for (const { record } of rows.values()) if (matchesInstanceFilter(filter, record)) add(record.status);
    }
    return counts;
  }

  /** Up to `limit` entries matching the filter (as far as the index tells) after `after`, in the given order. */
  private select(filter: CheckedInstanceFilter, descending: boolean, after: InstanceOrderKey | undefined, limit: number, rejected: Set<string>): IndexEntry[] {
    const step = descending ? -1 : 1;
    let i: number;
    if (after === undefined) i = descending ? this.sorted.length - 1 : 0;
    else i = descending ? this.lowerBound(after) - 1 : this.upperBound(after);
    const found: IndexEntry[] = [];
    for (; i >= 0 && i < this.sorted.length && found.length < limit; i += step) {
      const entry = this.sorted[i];
      if (!rejected.has(entry.partitionKey) && matchesInstanceFilter(filter, entry)) found.push(entry);
    }
    return found;
  }

  private run(): Promise<void> {
    const running = this.refreshOnce().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  private async refreshOnce(): Promise<void> {
    if (!this.built) {
      const forgotten = (this.forgottenWhileBuilding = new Set());
      try {
        this.replaceAll(await this.scan(ROWS));
      } finally {
        this.forgottenWhileBuilding = undefined;
      }
      for (const partitionKey of forgotten) this.remove(partitionKey);
      this.built = true;
      return;
    }
    if (this.rebuild?.result) {
      const { result, forgotten } = this.rebuild;
      this.rebuild = undefined;
      this.replaceAll(result);
      for (const partitionKey of forgotten) this.remove(partitionKey);
    } else if (!this.rebuild && this.options.clock.now() - this.builtAt >= this.rebuildIntervalMs) {
      this.startRebuild();
    }
    const changed = await this.scan(`${ROWS} and Timestamp ge datetime'${new Date(this.since - REFRESH_OVERLAP_MS).toISOString()}'`);
    for (const entry of changed.entries) {
      const current = this.byKey.get(entry.partitionKey);
      if (!current || current.timestamp <= entry.timestamp) this.put(entry);
    }
    this.since = changed.serviceDate;
  }

  /** Scans the whole table again in the background; the next refresh swaps the result in. */
  private startRebuild(): void {
    const rebuild: NonNullable<InstanceIndex['rebuild']> = { forgotten: new Set(), done: Promise.resolve() };
    rebuild.done = this.scan(ROWS).then(
      (result) => void (rebuild.result = result),
      (error: unknown) => {
        this.options.logger.warn(`Rebuilding the index of ${this.table.tableName} failed (retried in ${this.rebuildIntervalMs / 1000} s): ${String(error)}`);
        if (this.rebuild === rebuild) this.rebuild = undefined;
        this.builtAt = this.options.clock.now();
      },
    );
    this.rebuild = rebuild;
  }

  /** Waits for a rebuild in progress (tests). */
  async settled(): Promise<void> {
    await this.rebuild?.done;
  }

  private replaceAll(scan: Scan): void {
    this.byKey.clear();
    for (const entry of scan.entries) this.byKey.set(entry.partitionKey, entry);
    this.sorted = [...this.byKey.values()].sort((a, b) => compareInstanceOrder(a.key, b.key));
    this.since = scan.serviceDate;
    this.builtAt = this.options.clock.now();
  }

  private async scan(filter: string): Promise<Scan> {
    let serviceDate: number | undefined;
    const requestedAt = this.options.clock.now();
    const onResponse = (response: { headers: { get(name: string): string | undefined } }) => {
      const date = Date.parse(response.headers.get('date') ?? '');
      serviceDate ??= Number.isNaN(date) ? requestedAt : date;
    };
    const entries: IndexEntry[] = [];
    for await (const row of this.table.listEntities<TableRow>({ queryOptions: { filter, select: SELECT }, onResponse })) entries.push(entryOfRow(row));
    return { entries, serviceDate: serviceDate ?? requestedAt };
  }

  private put(entry: IndexEntry): void {
    this.remove(entry.partitionKey);
    this.byKey.set(entry.partitionKey, entry);
    this.sorted.splice(this.lowerBound(entry.key), 0, entry);
  }

  private remove(partitionKey: string): void {
    const entry = this.byKey.get(partitionKey);
    if (!entry) return;
    this.byKey.delete(partitionKey);
    this.sorted.splice(this.lowerBound(entry.key), 1);
  }

  /** The first position whose key is not before `key`. */
  private lowerBound(key: InstanceOrderKey): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareInstanceOrder(this.sorted[middle].key, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The first position whose key is after `key`. */
  private upperBound(key: InstanceOrderKey): number {
    const i = this.lowerBound(key);
    return i < this.sorted.length && compareInstanceOrder(this.sorted[i].key, key) === 0 ? i + 1 : i;
  }
}

/**
 * One copy of each name and status for all entries (a few hundred bytes an entry otherwise go to copies of the same
 * few strings); names are orchestration and entity names, a small set.
 */
const shared = new Map<string, string>();
function intern(text: string): string {
  const known = shared.get(text);
  if (known !== undefined) return known;
  if (shared.size < 10_000) shared.set(text, text);
  return text;
}

function entryOfRow(row: TableRow): IndexEntry {
  const partitionKey = String(row.partitionKey);
  const unescaped = unescapePartitionKey(partitionKey);
  const instanceId = unescaped === partitionKey ? partitionKey : unescaped;
  const customStatus = optionalCustomStatus(row.CustomStatus);
  const elsewhere = (typeof row.CustomStatusBlobName === 'string' && row.CustomStatusBlobName !== '') || (customStatus?.length ?? 0) > INDEXED_CUSTOM_STATUS_CHARS;
  const createdAt = Date.parse(readDateColumn(row.CreatedTime) ?? new Date(0).toISOString());
  return {
    partitionKey,
    instanceId,
    key: [createdAt, instanceId],
    createdAt,
    status: intern(String(row.RuntimeStatus)),
    name: intern(String(row.Name ?? '')),
    ...(customStatus !== undefined && !elsewhere ? { customStatus } : {}),
    customStatusUnread: elsewhere,
    timestamp: timestampOf(row.timestamp),
  };
}

function entryOfRecord(partitionKey: string, { record, timestamp }: ReadRow): IndexEntry {
  const elsewhere = (record.customStatus?.length ?? 0) > INDEXED_CUSTOM_STATUS_CHARS;
  const createdAt = Date.parse(record.createdAt);
  return {
    partitionKey,
    instanceId: record.instanceId,
    key: [createdAt, record.instanceId],
    createdAt,
    status: record.status,
    name: record.name,
    ...(record.customStatus !== undefined && !elsewhere ? { customStatus: record.customStatus } : {}),
    customStatusUnread: elsewhere,
    timestamp,
  };
}

export function timestampOf(value: unknown): number {
  const iso = readDateColumn(value);
  return iso === undefined ? 0 : Date.parse(iso);
}

function sameEntry(a: IndexEntry, b: IndexEntry): boolean {
  return (
    compareInstanceOrder(a.key, b.key) === 0 &&
    a.status === b.status &&
    a.name === b.name &&
    a.customStatus === b.customStatus &&
    a.customStatusUnread === b.customStatusUnread
  );
}
