// Listing, counting and purging orchestrations by filter over the Scheduler's protocol (specs/backends.md B2, B3).
// InstanceQuery carries runtime statuses, a created-time window, an instance-id prefix, a page size and a
// continuation token; PurgeInstanceFilter only statuses and the window. What the server cannot filter on (the
// orchestrator name, custom-status text; for purges also the prefix) is matched here, page by page, so a filter
// is never dropped: a filtered purge never purges an instance that does not match. The Scheduler lists in its own
// order, so "newest first" is refused rather than ignored.

import { TERMINAL_STATUSES, isEntityInstanceId, isTerminal, type RuntimeStatus } from '../../core';
import { MAX_PURGE_BATCH } from '../../scheduler-protocol';
import { NotSupportedError } from '../errors';
import type { OrchestrationFilter, OrchestrationQuery, OrchestrationState, Page, PurgeInstancesFilter, StatusCounts } from '../task-hub';

/** A list request reads at most this many server pages to fill a page with name/custom-status matches. */
export const MAX_SERVER_PAGES_PER_LIST = 20;
/** Counting reads the server in pages this size... */
export const COUNT_PAGE_SIZE = 1_000;
/** ...and gives up past this many matches: the Scheduler has no server-side count (B2). */
export const MAX_COUNTED_INSTANCES = 10_000;

const DEFAULT_PAGE_SIZE = 100;

/** The part of a query the Scheduler's InstanceQuery carries. */
export interface ServerInstanceQuery {
  statuses?: readonly RuntimeStatus[];
  createdFrom?: string;
  createdTo?: string;
  instanceIdPrefix?: string;
  pageSize: number;
  continuationToken?: string;
}

/** The part of a purge filter the Scheduler's PurgeInstanceFilter carries. */
export interface ServerPurgeFilter {
  statuses: readonly RuntimeStatus[];
  createdFrom?: string;
  createdTo?: string;
}

/** The three calls this file needs from the Scheduler. */
export interface InstanceServer {
  query(query: ServerInstanceQuery): Promise<Page<OrchestrationState>>;
  /** Purges these instances (at most MAX_PURGE_BATCH); returns how many were deleted. */
  purgeBatch(instanceIds: string[]): Promise<number>;
  purgeFilter(filter: ServerPurgeFilter): Promise<number>;
}

export async function queryInstances(server: InstanceServer, query: OrchestrationQuery): Promise<Page<OrchestrationState>> {
  if (query.descending) {
    throw new NotSupportedError('The Durable Task Scheduler lists instances in its own order: it cannot list them newest first. Leave the order unset.');
  }
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  const matches = hubMatcher(query);
  const items: OrchestrationState[] = [];
  let continuationToken = query.continuationToken;
  // Each server page asks only for what is still missing, so a page never holds more than pageSize and the
  // token never skips an instance it did not return.
  for (let read = 0; read < MAX_SERVER_PAGES_PER_LIST && items.length < pageSize; read++) {
    const page = await server.query({ ...serverQuery(query), pageSize: pageSize - items.length, continuationToken });
    items.push(...page.items.filter(matches));
    continuationToken = page.continuationToken;
    if (!continuationToken) break;
  }
  return { items, continuationToken };
}

/** Counts by status, reading every matching instance: refused past MAX_COUNTED_INSTANCES. */
export async function countInstances(server: InstanceServer, filter: OrchestrationFilter): Promise<StatusCounts> {
  const counts: StatusCounts = {};
  let total = 0;
  for await (const state of everyMatch(server, filter)) {
    if (++total > MAX_COUNTED_INSTANCES) {
      throw new NotSupportedError(
        `More than ${MAX_COUNTED_INSTANCES.toLocaleString('en-US')} instances match, and the Durable Task Scheduler cannot count them server-side: narrow the filter (status, dates, id prefix) to see counts.`,
      );
    }
    counts[state.status] = (counts[state.status] ?? 0) + 1;
  }
  return counts;
}

/**
 * Purges the finished instances that match. Statuses and the created window go to the server's purge filter;
 * with a name, prefix or custom-status text the matching ids are collected first and purged by id in batches.
 */
export async function purgeInstances(server: InstanceServer, filter: PurgeInstancesFilter): Promise<number> {
  const statuses = (filter.statuses ?? TERMINAL_STATUSES).filter(isTerminal);
  if (statuses.length === 0) return 0;
  if (filter.name === undefined && filter.customStatusContains === undefined && filter.instanceIdPrefix === undefined) {
    return server.purgeFilter({ statuses, createdFrom: filter.createdFrom, createdTo: filter.createdTo });
  }
  const ids: string[] = [];
  for await (const state of everyMatch(server, { ...filter, statuses })) ids.push(state.instanceId);
  let deleted = 0;
  for (let start = 0; start < ids.length; start += MAX_PURGE_BATCH) deleted += await server.purgeBatch(ids.slice(start, start + MAX_PURGE_BATCH));
  return deleted;
}

/** Every instance that matches, read from the server in pages of COUNT_PAGE_SIZE. */
async function* everyMatch(server: InstanceServer, filter: OrchestrationFilter): AsyncGenerator<OrchestrationState> {
  const matches = hubMatcher(filter);
  let continuationToken: string | undefined;
  do {
    const page = await server.query({ ...serverQuery(filter), pageSize: COUNT_PAGE_SIZE, continuationToken });
    for (const state of page.items) if (matches(state)) yield state;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

function serverQuery(filter: OrchestrationFilter): Omit<ServerInstanceQuery, 'pageSize'> {
  return { statuses: filter.statuses, createdFrom: filter.createdFrom, createdTo: filter.createdTo, instanceIdPrefix: filter.instanceIdPrefix };
}

/** What the hub checks itself: orchestrations only (the server lists entities' ids too), name, custom-status text. */
function hubMatcher(filter: OrchestrationFilter): (state: OrchestrationState) => boolean {
  const { name, customStatusContains } = filter;
  return (state) =>
    !isEntityInstanceId(state.instanceId) &&
    (name === undefined || state.name === name) &&
    (customStatusContains === undefined || (state.customStatus ?? '').includes(customStatusContains));
}
