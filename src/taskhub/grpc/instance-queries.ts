// Listing, counting and purging orchestrations by filter over the Scheduler's protocol (specs/backends.md B2, B3).
// InstanceQuery carries runtime statuses, a created-time window, an instance-id prefix, a page size and a
// continuation token; PurgeInstanceFilter only statuses and the window. The filter is checked before the first call
// and every instance the server returns is matched here by the rule every backend uses (backends/instance-filter.ts):
// what the server cannot filter on (the orchestrator name, custom-status text; for purges also the prefix) is
// matched page by page, so a filter is never dropped: a filtered purge never purges an instance that does not
// match. The Scheduler lists in its own order, so "newest first" is refused rather than ignored.

import type { RuntimeStatus } from '../../core';
import { checkInstanceFilter, checkPurgeFilter, matchesInstanceFilter, type CheckedInstanceFilter } from '../../backends';
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
  const filter = checkInstanceFilter(query);
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  const items: OrchestrationState[] = [];
  let continuationToken = query.continuationToken;
  // Each server page asks only for what is still missing, so a page never holds more than pageSize and the
  // token never skips an instance it did not return.
  for (let read = 0; read < MAX_SERVER_PAGES_PER_LIST && items.length < pageSize; read++) {
    const page = await server.query({ ...serverQuery(filter), pageSize: pageSize - items.length, continuationToken });
    items.push(...page.items.filter((state) => matchesInstanceFilter(filter, state)));
    continuationToken = page.continuationToken;
    if (!continuationToken) break;
  }
  return { items, continuationToken };
}

/** Counts by status, reading every matching instance: refused past MAX_COUNTED_INSTANCES. */
export async function countInstances(server: InstanceServer, filter: OrchestrationFilter): Promise<StatusCounts> {
  const checked = checkInstanceFilter(filter);
  const counts: StatusCounts = {};
  let total = 0;
  for await (const state of everyMatch(server, checked)) {
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
  // Orchestrations only: the server's purge filter and purge by id go to orchestrations (isOrchestration).
  const checked = checkPurgeFilter(filter);
  if (!checked) return 0;
  const orchestrations: CheckedInstanceFilter = { ...checked, kind: 'orchestration' };
  if (checked.name === undefined && checked.customStatusContains === undefined && checked.instanceIdPrefix === undefined) {
    const { createdFrom, createdTo } = serverQuery(orchestrations);
    return server.purgeFilter({ statuses: [...checked.statuses], createdFrom, createdTo });
  }
  const ids: string[] = [];
  for await (const state of everyMatch(server, orchestrations)) ids.push(state.instanceId);
  let deleted = 0;
  for (let start = 0; start < ids.length; start += MAX_PURGE_BATCH) deleted += await server.purgeBatch(ids.slice(start, start + MAX_PURGE_BATCH));
  return deleted;
}

/** Every instance that matches, read from the server in pages of COUNT_PAGE_SIZE. */
async function* everyMatch(server: InstanceServer, filter: CheckedInstanceFilter): AsyncGenerator<OrchestrationState> {
  let continuationToken: string | undefined;
  do {
    const page = await server.query({ ...serverQuery(filter), pageSize: COUNT_PAGE_SIZE, continuationToken });
    for (const state of page.items) if (matchesInstanceFilter(filter, state)) yield state;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

/** What the Scheduler's InstanceQuery carries of the filter; the rest (and entities, which it lists too) is matched here. */
function serverQuery(filter: CheckedInstanceFilter): Omit<ServerInstanceQuery, 'pageSize'> {
  const time = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    statuses: filter.statuses && [...filter.statuses],
    createdFrom: time(filter.createdFrom),
    createdTo: time(filter.createdTo),
    instanceIdPrefix: filter.instanceIdPrefix,
  };
}
