// Filtering and paging of instance records for queryInstances and purgeInstances, in the order of
// ../instance-order.ts.

import { isEntityInstanceId, type InstanceRecord } from '../../core';
import type { InstancePage, InstanceQuery } from '../backend';
import { compareInstanceOrder, decodeContinuationToken, encodeContinuationToken, instanceOrderKey } from '../instance-order';

export function matchesQuery(record: InstanceRecord, query: Omit<InstanceQuery, 'pageSize' | 'continuationToken'>): boolean {
  const kind = query.kind ?? 'orchestration';
  if (kind !== 'all' && isEntityInstanceId(record.instanceId) !== (kind === 'entity')) return false;
  if (query.instanceIdPrefix !== undefined && !record.instanceId.startsWith(query.instanceIdPrefix)) return false;
  if (query.statuses !== undefined && !query.statuses.includes(record.status)) return false;
  const created = Date.parse(record.createdAt);
  // Both ends are inclusive, as in DT.AS (`CreatedTime ge … and CreatedTime le …`, specs/backends.md A6.3).
  if (query.createdFrom !== undefined && created < parseTime(query.createdFrom, 'createdFrom')) return false;
  if (query.createdTo !== undefined && created > parseTime(query.createdTo, 'createdTo')) return false;
  return true;
}

/** One page of `records` (already filtered), in creation order, after the record the token names. */
export function pageOf(records: InstanceRecord[], pageSize: number | undefined, continuationToken: string | undefined): InstancePage {
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
    throw new RangeError(`Invalid pageSize ${pageSize}: pass a positive whole number, or none for all instances.`);
  }
  const sorted = records.map((record) => ({ record, key: instanceOrderKey(record.createdAt, record.instanceId) })).sort((a, b) => compareInstanceOrder(a.key, b.key));
  const after = continuationToken === undefined ? undefined : decodeContinuationToken(continuationToken);
  const rest = after === undefined ? sorted : sorted.filter(({ key }) => compareInstanceOrder(key, after) > 0);
  const page = pageSize === undefined ? rest : rest.slice(0, pageSize);
  const instances = page.map(({ record }) => record);
  if (page.length === rest.length) return { instances };
  return { instances, continuationToken: encodeContinuationToken(page[page.length - 1].key) };
}

function parseTime(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ${name} '${value}': expected an ISO-8601 time such as 2024-01-01T00:00:00Z.`);
  return ms;
}
