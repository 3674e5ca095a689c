// Filtering and paging of instance records for queryInstances and purgeInstances. Pages follow a stable order
// (creation time, then instance id), and the continuation token names the last record handed out, so paging
// visits every instance exactly once even while instances are added or purged between pages.

import { isEntityInstanceId, type InstanceRecord } from '../../core';
import type { InstancePage, InstanceQuery } from '../backend';

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
  const sorted = records.map((record) => ({ record, key: orderKey(record) })).sort((a, b) => compareKeys(a.key, b.key));
  const after = continuationToken === undefined ? undefined : decodeToken(continuationToken);
  const rest = after === undefined ? sorted : sorted.filter(({ key }) => compareKeys(key, after) > 0);
  const page = pageSize === undefined ? rest : rest.slice(0, pageSize);
  const instances = page.map(({ record }) => record);
  if (page.length === rest.length) return { instances };
  return { instances, continuationToken: encodeToken(page[page.length - 1].key) };
}

type OrderKey = [createdMs: number, instanceId: string];

function orderKey(record: InstanceRecord): OrderKey {
  return [Date.parse(record.createdAt), record.instanceId];
}

function compareKeys(a: OrderKey, b: OrderKey): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function encodeToken(key: OrderKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeToken(token: string): OrderKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'number' && typeof key[1] === 'string') return key as OrderKey;
  } catch {
    // reported below
  }
  throw new RangeError(`Invalid continuation token '${token}': pass back the token of the previous page unchanged.`);
}

function parseTime(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ${name} '${value}': expected an ISO-8601 time such as 2024-01-01T00:00:00Z.`);
  return ms;
}
