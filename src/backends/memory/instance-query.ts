// Paging and counting of instance records for queryInstances, countInstances and purgeInstances, in the order of
// ../instance-order.ts; which records match is ../instance-filter.ts.

import type { InstanceRecord } from '../../core';
import type { InstancePage, InstanceQuery, StatusCounts } from '../backend';
import { instanceOrderKey, pageInOrder } from '../instance-order';

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
