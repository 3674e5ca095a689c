// The one rule for which instances an InstanceFilter selects (its semantics and their sources are on the interface,
// backend.ts), for every backend and for the Scheduler task hub where it matches on its side
// (taskhub/grpc/instance-queries.ts). A filter is checked once, before anything is read or deleted: a filter that
// does not parse is refused, never read as "no filter".

import { RUNTIME_STATUSES, TERMINAL_STATUSES, isEntityInstanceId, parseIsoDateTime, type RuntimeStatus } from '../core';
import type { InstanceFilter, InstanceQuery, PurgeFilter } from './backend';

export type InstanceKind = NonNullable<InstanceQuery['kind']>;
const KINDS: readonly InstanceKind[] = ['orchestration', 'entity', 'all'];

/** A filter that passed checkInstanceFilter: times in milliseconds, an empty status list as none. */
export interface CheckedInstanceFilter {
  readonly kind: InstanceKind;
  readonly instanceIdPrefix?: string;
  readonly createdFrom?: number;
  readonly createdTo?: number;
  readonly statuses?: ReadonlySet<RuntimeStatus>;
  readonly name?: string;
  readonly customStatusContains?: string;
}

/** What a filter looks at in an instance: a stored InstanceRecord, a task hub's OrchestrationState, an index entry. */
export interface FilteredInstance {
  instanceId: string;
  /** Creation time: ISO-8601, or milliseconds. */
  createdAt: string | number;
  status: string;
  name: string;
  /** The serialized custom status; absent when there is none. */
  customStatus?: string;
  /** The custom status was not read (the Azure Storage index): any text matches here, and the caller reads it to decide. */
  customStatusUnread?: boolean;
}

/** Checks the filter; RangeError naming the field and the form it takes for a value that does not parse. */
export function checkInstanceFilter(filter: InstanceFilter & Pick<InstanceQuery, 'kind'>): CheckedInstanceFilter {
  const kind = filter.kind ?? 'orchestration';
  if (!KINDS.includes(kind)) throw new RangeError(`Invalid kind '${String(kind)}': pass ${KINDS.join(', ')}, or none for orchestrations.`);
  for (const status of filter.statuses ?? []) {
    if (!RUNTIME_STATUSES.includes(status)) throw new RangeError(`Invalid status '${String(status)}' in statuses: use ${RUNTIME_STATUSES.join(', ')}.`);
  }
  return {
    kind,
    ...(filter.instanceIdPrefix ? { instanceIdPrefix: filter.instanceIdPrefix } : {}),
    ...(filter.createdFrom !== undefined ? { createdFrom: parseTime(filter.createdFrom, 'createdFrom') } : {}),
    ...(filter.createdTo !== undefined ? { createdTo: parseTime(filter.createdTo, 'createdTo') } : {}),
    ...(filter.statuses?.length ? { statuses: new Set(filter.statuses) } : {}),
    ...(filter.name !== undefined ? { name: filter.name } : {}),
    ...(filter.customStatusContains !== undefined ? { customStatusContains: filter.customStatusContains } : {}),
  };
}

/** A checked purge filter: its statuses are always named, and terminal. */
export type CheckedPurgeFilter = CheckedInstanceFilter & { readonly statuses: ReadonlySet<RuntimeStatus> };

/**
 * The checked filter of a purge (PurgeFilter in backend.ts): every kind, statuses narrowed to the terminal ones (all
 * of them when none are named); undefined when only statuses that are not terminal were named: nothing is purged.
 */
export function checkPurgeFilter(filter: PurgeFilter): CheckedPurgeFilter | undefined {
  const checked = checkInstanceFilter({ ...filter, kind: 'all' });
  const statuses = TERMINAL_STATUSES.filter((status) => checked.statuses?.has(status) ?? true);
  return statuses.length === 0 ? undefined : { ...checked, statuses: new Set(statuses) };
}

export function matchesInstanceFilter(filter: CheckedInstanceFilter, instance: FilteredInstance): boolean {
  if (filter.kind !== 'all' && isEntityInstanceId(instance.instanceId) !== (filter.kind === 'entity')) return false;
  if (filter.instanceIdPrefix !== undefined && !instance.instanceId.startsWith(filter.instanceIdPrefix)) return false;
  if (filter.createdFrom !== undefined || filter.createdTo !== undefined) {
    const created = typeof instance.createdAt === 'number' ? instance.createdAt : Date.parse(instance.createdAt);
    if (created < (filter.createdFrom ?? -Infinity) || created > (filter.createdTo ?? Infinity)) return false;
  }
  if (filter.statuses !== undefined && !filter.statuses.has(instance.status as RuntimeStatus)) return false;
  if (filter.name !== undefined && instance.name !== filter.name) return false;
  if (filter.customStatusContains !== undefined && !instance.customStatusUnread) return (instance.customStatus ?? '').includes(filter.customStatusContains);
  return true;
}

function parseTime(value: string, field: string): number {
  const time = typeof value === 'string' ? parseIsoDateTime(value.trim()) : undefined;
  if (time === undefined) throw new RangeError(`Invalid ${field} '${String(value)}': expected an ISO-8601 time such as 2024-01-01T00:00:00Z, or no ${field}.`);
  return Date.parse(time);
}
