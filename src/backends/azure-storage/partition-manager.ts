// Control-queue ownership with the DT.AS 2.x table partition manager (specs/backends.md A13.1): one row per control
// queue in `{Hub}Partitions`; workers claim free or expired leases, renew their own, ask an owner to hand one over
// (NextOwner) to balance the load, and drain then release what they give up. Every write is ETag-guarded. A lease of
// a worker known dead (worker-id.ts: a process of this machine that no longer runs) is claimed like an expired one.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Clock, Logger } from '../../core';
import { describeStorageFailure, isConcurrencyConflict, statusOf } from './storage-errors';
import type { TableRow } from './history-table-rows';
import { sleep } from './polling-backoff';
import { DeadOwnerJudge, formatWorkerId, type ThisProcess } from './worker-id';

export interface PartitionListener {
  /**
   * This worker now owns the partition: start reading its control queue. `expiredOwner` names the worker whose
   * lease ran out or who is known dead (it may have died holding messages), when that is how it was taken.
   */
  acquired(partition: number, expiredOwner?: string): void;
  /** Stop taking new work from the partition and resolve once its work in flight is done. */
  drain(partition: number): Promise<void>;
  /** Ownership ended (released after a drain, or lost because the lease expired and another worker took it). */
  released(partition: number): void;
}

export interface PartitionManagerOptions {
  workerId?: string;
  /** A lease lasts this long without renewal (DT.AS LeaseInterval, 30 s). */
  leaseIntervalMs: number;
  /** How often leases are renewed and free ones looked for (DT.AS LeaseRenewInterval/LeaseAcquireInterval, 10 s). */
  renewIntervalMs: number;
  clock: Clock;
  logger: Logger;
}

interface LeaseRow extends TableRow {
  etag: string;
  CurrentOwner?: string;
  NextOwner?: string;
  OwnedSince?: Date;
  LastRenewal?: Date;
  ExpiresAt?: Date;
  IsDraining?: boolean;
}

type Ownership = 'owned' | 'draining';

const PARTITION_KEY = '';
/** While draining or waiting for a hand-over, passes run this often (DT.AS: 1 s). */
const FAST_PASS_MS = 1000;

/** Worker ids defaultWorkerId made in this process: backends of this process are alive whatever their nonce. */
const ownWorkerIds = new Set<string>();

export function defaultWorkerId(): string {
  const id = formatWorkerId({ host: hostname(), pid: process.pid, nonce: randomBytes(3).toString('hex') });
  ownWorkerIds.add(id);
  return id;
}

function thisProcess(): ThisProcess {
  return {
    host: hostname(),
    pid: process.pid,
    // Leases are written with the backend's clock, which is the system clock outside tests.
    startedAt: performance.timeOrigin,
    isOwnWorkerId: (id) => ownWorkerIds.has(id),
    isProcessAlive,
  };
}

/** Signal 0 only checks: ESRCH means no such process; EPERM means one runs under another user. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export class TablePartitionManager {
  readonly workerId: string;
  private readonly owned = new Map<number, Ownership>();
  /** Per owned partition, which of this worker's takings it is (leaseEpoch). */
  private readonly epochs = new Map<number, number>();
  private takings = 0;
  private readonly drained = new Set<number>();
  /** Last known ETag of each row we own, for the one-transaction renewal. */
  private readonly etags = new Map<number, string>();
  private shuttingDown = false;
  private waitingForHandOver = false;
  private failing = false;
  private loop?: Promise<void>;
  private readonly abort = new AbortController();
  private readonly deadOwners = new DeadOwnerJudge(thisProcess());

  constructor(
    private readonly table: TableClient,
    private readonly queueNames: readonly string[],
    private readonly listener: PartitionListener,
    private readonly options: PartitionManagerOptions,
  ) {
    this.workerId = options.workerId ?? defaultWorkerId();
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** A number that stays the same while this worker keeps the partition's lease, and changes when it takes it again. */
  leaseEpoch(partition: number): number | undefined {
    return this.owned.has(partition) ? this.epochs.get(partition) : undefined;
  }

  /** Creates the lease rows if needed, takes a first pass, and keeps the leases in a background loop. */
  async start(): Promise<void> {
    await this.table.createTable();
    await Promise.all(
      this.queueNames.map((rowKey) =>
        this.table.createEntity({ partitionKey: PARTITION_KEY, rowKey }).catch((error: unknown) => {
          if (!isConcurrencyConflict(error)) throw error;
        }),
      ),
    );
    await this.pass();
    this.loop = this.run();
  }

  /** Drains and releases every partition this worker owns (bounded by one lease interval), then stops. */
  async stop(): Promise<void> {
    this.shuttingDown = true;
    this.abort.abort();
    await this.loop;
    const deadline = Date.now() + this.options.leaseIntervalMs;
    while (this.owned.size > 0 && Date.now() < deadline) {
      try {
        await this.pass();
      } catch (error) {
        this.options.logger.warn(`Could not release partition leases of worker ${this.workerId}: ${describeStorageFailure(error)} They expire on their own.`);
        break;
      }
      if (this.owned.size > 0) await sleep(50);
    }
    for (const partition of this.ownedPartitions()) this.release(partition, 'stopped');
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const busy = this.waitingForHandOver || [...this.owned.values()].includes('draining');
      await sleep(busy ? Math.min(FAST_PASS_MS, this.options.renewIntervalMs) : this.options.renewIntervalMs, this.abort.signal);
      if (this.abort.signal.aborted) return;
      try {
        await this.pass();
        if (this.failing) this.options.logger.info(`Partition lease upkeep of worker ${this.workerId} works again.`);
        this.failing = false;
      } catch (error) {
        // One line per outage, not one per pass.
        if (!this.failing) this.options.logger.error(`Partition lease upkeep of worker ${this.workerId} failed: ${describeStorageFailure(error)} Retrying.`);
        this.failing = true;
      }
    }
  }

  /** One pass over the lease table (A13.1). */
  private async pass(): Promise<void> {
    // Owning every queue with nothing to hand over, one ETag-checked transaction renews all; any change to a row
    // (someone asking for it) fails it, and the full pass below deals with that.
    const settled = [...this.owned.values()].every((state) => state === 'owned');
    if (!this.shuttingDown && settled && this.owned.size === this.queueNames.length && !this.waitingForHandOver && (await this.renewAll())) return;
    const rows = await this.readRows();
    const now = this.options.clock.now();
    for (const row of rows) {
      const partition = this.queueNames.indexOf(row.rowKey);
      if (partition < 0) continue;
      if (row.CurrentOwner === this.workerId) await this.keepOrHandOver(row, partition, now);
      else await this.claimOrAsk(row, partition, now);
    }
    if (!this.shuttingDown) await this.balance(rows, now);
  }

  private async keepOrHandOver(row: LeaseRow, partition: number, now: number): Promise<void> {
    if (!this.owned.has(partition)) this.take(partition, 'owned');
    if (!row.NextOwner && !this.shuttingDown) {
      await this.write(partition, row, { ...this.ownerColumns(row, now), IsDraining: false });
      return;
    }
    // Another worker asked for it (or we are stopping): drain in-memory work, renewing meanwhile, then release.
    if (this.owned.get(partition) === 'owned') {
      this.owned.set(partition, 'draining');
      void this.listener.drain(partition).then(
        () => this.drained.add(partition),
        () => this.drained.add(partition),
      );
    }
    if (!this.drained.has(partition)) {
      await this.write(partition, row, { ...this.ownerColumns(row, now), IsDraining: true });
      return;
    }
    // ExpiresAt stays, so if the asking worker never claims it, anyone may once the old lease runs out.
    const released = await this.write(partition, row, { ...leaseColumns(row), CurrentOwner: undefined, IsDraining: false });
    if (released) this.release(partition, `handed over to ${row.NextOwner ?? 'nobody (shutting down)'}`);
  }

  private async claimOrAsk(row: LeaseRow, partition: number, now: number): Promise<void> {
    if (this.owned.has(partition)) this.release(partition, `lost to ${row.CurrentOwner ?? 'nobody'} (our lease expired, or it found this worker dead)`);
    if (this.shuttingDown) return;
    const expired = row.ExpiresAt !== undefined && now >= row.ExpiresAt.getTime();
    const free = !row.CurrentOwner && (!row.NextOwner || row.NextOwner === this.workerId);
    const dead = free || expired ? undefined : this.deadOwnerOf(row);
    if (free || expired || dead) {
      const previousOwner = row.CurrentOwner;
      const claimed = await this.write(partition, row, {
        CurrentOwner: this.workerId,
        NextOwner: undefined,
        OwnedSince: new Date(now),
        LastRenewal: new Date(now),
        ExpiresAt: new Date(now + this.options.leaseIntervalMs),
        IsDraining: false,
      });
      if (!claimed) return;
      if (dead) this.deadOwners.tookOver(previousOwner!, now);
      this.take(partition, 'owned', previousOwner ? { owner: previousOwner, why: dead ? `which is dead: ${dead}` : 'whose lease expired' } : undefined);
    } else if (row.IsDraining && !row.NextOwner) {
      // The owner is shutting down: queue up as the next owner.
      await this.write(partition, row, { ...leaseColumns(row), NextOwner: this.workerId });
    }
  }

  /** Why the row's owner is known dead (worker-id.ts), or undefined. */
  private deadOwnerOf(row: LeaseRow): string | undefined {
    if (!row.CurrentOwner) return undefined;
    return this.deadOwners.reasonToTakeOver(row.CurrentOwner, row.LastRenewal, (message) => this.options.logger.warn(message));
  }

  /** Ask owners holding more than their share to hand one partition over (A13.1 "Balance"). */
  private async balance(rows: LeaseRow[], now: number): Promise<void> {
    const counts = new Map<string, number>();
    for (const row of rows) {
      const live = row.CurrentOwner && row.ExpiresAt && row.ExpiresAt.getTime() > now;
      if (live && row.CurrentOwner !== this.workerId) counts.set(row.CurrentOwner!, (counts.get(row.CurrentOwner!) ?? 0) + 1);
    }
    const target = Math.floor(this.queueNames.length / (counts.size + 1));
    // Hand-overs already asked for count toward the share: ask again only for what is still missing.
    const asked = rows.filter((row) => row.NextOwner === this.workerId && row.CurrentOwner !== this.workerId).length;
    let missing = target - this.owned.size - asked;
    this.waitingForHandOver = asked > 0;
    for (const row of rows) {
      if (missing <= 0) break;
      const owner = row.CurrentOwner;
      if (!owner || owner === this.workerId || row.NextOwner || (counts.get(owner) ?? 0) <= target) continue;
      if (await this.write(this.queueNames.indexOf(row.rowKey), row, { ...leaseColumns(row), NextOwner: this.workerId })) {
        counts.set(owner, counts.get(owner)! - 1);
        missing--;
        this.waitingForHandOver = true;
        this.options.logger.info(`Worker ${this.workerId} asked ${owner} to hand over ${row.rowKey}.`);
      }
    }
  }

  /** Renews every lease in one entity-group transaction; false if any row changed (someone wants one). */
  private async renewAll(): Promise<boolean> {
    const now = this.options.clock.now();
    const partitions = this.ownedPartitions();
    const actions: TransactionAction[] = partitions.map((partition) => [
      'update',
      { partitionKey: PARTITION_KEY, rowKey: this.queueNames[partition], CurrentOwner: this.workerId, ...this.renewalColumns(now) },
      'Merge',
      { etag: this.etags.get(partition) ?? '*' },
    ]);
    try {
      const response = await this.table.submitTransaction(actions);
      // Sub-responses come in the order of the operations (they need not repeat the row key).
      response.subResponses.forEach((sub, i) => sub.etag && this.etags.set(partitions[i], sub.etag));
      return response.subResponses.length === partitions.length;
    } catch (error) {
      if (isConcurrencyConflict(error) || statusOf(error) === 404) return false;
      throw error;
    }
  }

  private renewalColumns(now: number): Partial<LeaseRow> {
    return { LastRenewal: new Date(now), ExpiresAt: new Date(now + this.options.leaseIntervalMs) };
  }

  private ownerColumns(row: LeaseRow, now: number): Partial<LeaseRow> {
    return { ...leaseColumns(row), CurrentOwner: this.workerId, OwnedSince: row.OwnedSince ?? new Date(now), ...this.renewalColumns(now) };
  }

  private async readRows(): Promise<LeaseRow[]> {
    const rows: LeaseRow[] = [];
    for await (const row of this.table.listEntities<LeaseRow>({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION_KEY}` } })) {
      rows.push(row);
    }
    return rows;
  }

  /**
   * Replaces the row if it is unchanged since read and updates `row` to what was written; false if another
   * worker wrote it first.
   */
  private async write(partition: number, row: LeaseRow, columns: Partial<LeaseRow>): Promise<boolean> {
    const entity: Record<string, unknown> = { partitionKey: PARTITION_KEY, rowKey: row.rowKey };
    for (const [key, value] of Object.entries(columns)) if (value !== undefined) entity[key] = value;
    try {
      const response = await this.table.updateEntity(entity as TableRow, 'Replace', { etag: row.etag });
      if (response.etag && entity.CurrentOwner === this.workerId) this.etags.set(partition, response.etag);
      for (const key of Object.keys(leaseColumns(row)) as (keyof LeaseRow)[]) delete row[key];
      Object.assign(row, entity, { etag: response.etag ?? row.etag });
      return true;
    } catch (error) {
      if (isConcurrencyConflict(error)) return false;
      throw error;
    }
  }

  private take(partition: number, state: Ownership, from?: { owner: string; why: string }): void {
    this.owned.set(partition, state);
    this.epochs.set(partition, ++this.takings);
    this.drained.delete(partition);
    const taken = from ? ` from ${from.owner}, ${from.why}` : '';
    this.options.logger.info(`Worker ${this.workerId} acquired ${this.queueNames[partition]}${taken}.`);
    this.listener.acquired(partition, from?.owner);
  }

  private release(partition: number, reason: string): void {
    this.owned.delete(partition);
    this.epochs.delete(partition);
    this.drained.delete(partition);
    this.etags.delete(partition);
    this.options.logger.info(`Worker ${this.workerId} released ${this.queueNames[partition]}: ${reason}.`);
    this.listener.released(partition);
  }
}

/** The columns of a row besides its keys, to write back unchanged except for what a caller overrides. */
function leaseColumns(row: LeaseRow): Partial<LeaseRow> {
  return {
    CurrentOwner: row.CurrentOwner,
    NextOwner: row.NextOwner,
    OwnedSince: row.OwnedSince,
    LastRenewal: row.LastRenewal,
    ExpiresAt: row.ExpiresAt,
    IsDraining: row.IsDraining,
  };
}
