// Filtering, paging and counting of instance records for queryInstances, countInstances and purgeInstances, in
// the order of ../instance-order.ts.

import { isEntityInstanceId, type InstanceRecord } from '../../core';
import type { InstanceFilter, InstancePage, InstanceQuery, StatusCounts } from '../backend';
import { instanceOrderKey, pageInOrder } from '../instance-order';

export function matchesQuery(record: InstanceRecord, query: InstanceFilter & Pick<InstanceQuery, 'kind'>): boolean {
  const kind = query.kind ?? 'orchestration';
  if (kind !== 'all' && isEntityInstanceId(record.instanceId) !== (kind === 'entity')) return false;
  if (query.instanceIdPrefix !== undefined && !record.instanceId.startsWith(query.instanceIdPrefix)) return false;
  if (query.statuses !== undefined && !query.statuses.includes(record.status)) return false;
  if (query.name !== undefined && record.name !== query.name) return false;
  if (query.customStatusContains !== undefined && !(record.customStatus ?? '').includes(query.customStatusContains)) return false;
  if (query.createdFrom === undefined && query.createdTo === undefined) return true;
  const created = Date.parse(record.createdAt);
  // Both ends are inclusive, as in DT.AS (`CreatedTime ge … and CreatedTime le …`, specs/backends.md A6.3).
  if (query.createdFrom !== undefined && created < parseTime(query.createdFrom, 'createdFrom')) return false;
  if (query.createdTo !== undefined && created > parseTime(query.createdTo, 'createdTo')) return false;
  return true;
}

/** One page of `records` (already filtered), in the query's order, after the record the token names. */
export function pageOf(records: InstanceRecord[], query: Pick<InstanceQuery, 'pageSize' | 'continuationToken' | 'descending'>): InstancePage {
  const entries = records.map((record) => ({ key: instanceOrderKey(record.createdAt, record.instanceId), value: record }));
  const { values, continuationToken } = pageInOrder(entries, query);
  return continuationToken === undefined ? { instances: values } : { instances: values, continuationToken };
}

export function countByStatus(records: Iterable<Pick<InstanceRecord, 'status'>>): StatusCounts {
  const counts: StatusCounts = {};
  for (const { status } of records) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

function parseTime(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ${name} '${value}': expected an ISO-8601 time such as 2024-01-01T00:00:00Z.`);
  return ms;
}
