// The creation-order index behind paged lists and counts on Azure Storage (instance-index.ts), against Azurite:
// order and paging, filters on the index, rows another host writes, purges or recreates, and row reads that stay
// within the Table service's 15 comparisons per filter.

import { TableClient } from '@azure/data-tables';
import { ManualClock, type InstanceRecord, type RuntimeStatus } from '../../../src/core';
import type { AzureStorageBackend } from '../../../src/backends/azure-storage';
import type { InstanceQuery } from '../../../src/backends';
import { instanceRecordToRow } from '../../../src/backends/azure-storage/instance-table-rows';
import { DEFAULT_REBUILD_INTERVAL_MS, INDEXED_CUSTOM_STATUS_CHARS } from '../../../src/backends/azure-storage/instance-index';
import { startMessage } from '../../conformance/durable-fixtures';
import { uniqueHubName, useAzuriteBackends } from '../../support/azurite';

const storage = useAzuriteBackends();
const T0 = Date.UTC(2026, 0, 1);
const STATUSES: RuntimeStatus[] = ['Completed', 'Running', 'Failed', 'Pending'];

function recordOf(i: number, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  // Every third pair shares a creation time: the instance id breaks the tie.
  const createdAt = new Date(T0 + Math.floor(i / 2) * 1000).toISOString();
  return {
    instanceId: `inst-${String(i).padStart(3, '0')}`,
    name: i % 2 === 0 ? 'Even' : 'Odd',
    executionId: `e${i}`,
    status: STATUSES[i % STATUSES.length],
    createdAt,
    lastUpdatedAt: createdAt,
    customStatus: JSON.stringify({ step: i % 5 === 0 ? 'needle' : 'hay' }),
    ...overrides,
  };
}

/** Two hosts on one fresh hub: `a` reads with a manual clock, `b` is another process writing and purging. */
async function twoHosts(skewMs = 0): Promise<{ a: AzureStorageBackend; b: AzureStorageBackend; clock: ManualClock; table: TableClient; hubName: string }> {
  const hubName = uniqueHubName('index');
  const setup = storage.backend({ hubName });
  await setup.start();
  await setup.stop();
  const clock = new ManualClock(Date.now() + skewMs);
  const a = storage.backend({ hubName, clock });
  const b = storage.backend({ hubName });
  const table = TableClient.fromConnectionString(storage.azurite().connectionString, a.resources.instancesTable, { allowInsecureConnection: true });
  return { a, b, clock, table, hubName };
}

async function seed(table: TableClient, hubName: string, records: InstanceRecord[]): Promise<void> {
  await Promise.all(records.map((record) => table.createEntity(instanceRecordToRow(record, hubName, 0, 0))));
}

async function allPages(backend: AzureStorageBackend, query: Omit<InstanceQuery, 'continuationToken'>): Promise<string[]> {
  const ids: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await backend.queryInstances({ ...query, ...(continuationToken ? { continuationToken } : {}) });
    if (query.pageSize) expect(page.instances.length).toBeLessThanOrEqual(query.pageSize);
    ids.push(...page.instances.map((record) => record.instanceId));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return ids;
}

function expectedOrder(records: InstanceRecord[], descending = false): string[] {
  const sorted = [...records].sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt) || (x.instanceId < y.instanceId ? -1 : 1));
  return (descending ? sorted.reverse() : sorted).map((record) => record.instanceId);
}

test('pages come in creation order (then id), both ways, each instance once, with full records', async () => {
  const { a, table, hubName } = await twoHosts();
  // Written in an order unrelated to creation time, as keys sort differently from times.
  const records = Array.from({ length: 37 }, (_, i) => recordOf(i, { instanceId: `id-${String((i * 17) % 37).padStart(2, '0')}` }));
  await seed(table, hubName, records);
  expect(await allPages(a, { pageSize: 5 })).toEqual(expectedOrder(records));
  expect(await allPages(a, { pageSize: 5, descending: true })).toEqual(expectedOrder(records, true));
  const first = await a.queryInstances({ pageSize: 1, descending: true });
  expect(first.instances).toEqual([records.find((r) => r.instanceId === expectedOrder(records, true)[0])]);
  expect(await a.countInstances({})).toEqual({ Completed: 10, Running: 9, Failed: 9, Pending: 9 });
});

test('filters run on the index: name, statuses, created range, id prefix, custom status (also one too long to index), kind', async () => {
  const { a, table, hubName } = await twoHosts();
  const long = JSON.stringify({ log: `${'x'.repeat(INDEXED_CUSTOM_STATUS_CHARS)}needle` });
  const records = [...Array.from({ length: 30 }, (_, i) => recordOf(i)), recordOf(30, { customStatus: long })];
  const entity = recordOf(31, { instanceId: '@counter@one', name: 'counter', customStatus: undefined });
  await seed(table, hubName, [...records, entity]);
  const check = async (query: InstanceQuery, keep: (record: InstanceRecord) => boolean) => {
    const expected = expectedOrder(records.filter(keep));
    expect(await allPages(a, { ...query, pageSize: 4 })).toEqual(expected);
    const counts = await a.countInstances(query);
    expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(expected.length);
  };
  await check({ name: 'Odd', statuses: ['Running', 'Pending'] }, (r) => r.name === 'Odd' && ['Running', 'Pending'].includes(r.status));
  const [from, to] = [records[6].createdAt, records[13].createdAt];
  await check({ createdFrom: from, createdTo: to }, (r) => r.createdAt >= from && r.createdAt <= to);
  await check({ instanceIdPrefix: 'inst-01' }, (r) => r.instanceId.startsWith('inst-01'));
  await check({ customStatusContains: 'needle' }, (r) => (r.customStatus ?? '').includes('needle'));
  expect(await allPages(a, { pageSize: 4, customStatusContains: 'needle' })).toContain('inst-030');
  expect(await allPages(a, { pageSize: 4, kind: 'entity' })).toEqual(['@counter@one']);
  expect(await allPages(a, { pageSize: 100, kind: 'all' })).toHaveLength(32);
});

test("another host's new, changed and recreated instances show in the next list and count", async () => {
  const { a, b, table, hubName } = await twoHosts();
  const records = Array.from({ length: 6 }, (_, i) => recordOf(i));
  await seed(table, hubName, records);
  expect(await a.countInstances({})).toEqual({ Completed: 2, Running: 2, Failed: 1, Pending: 1 });

  const fresh = recordOf(6, { instanceId: 'from-b', createdAt: new Date(T0 + 3600_000).toISOString(), status: 'Pending' });
  await b.createInstance(fresh, startMessage(fresh), { replaceableStatuses: [] });
  await table.updateEntity(instanceRecordToRow({ ...records[0], status: 'Terminated' }, hubName, 0, 0), 'Replace');
  // Recreated: same id, a later creation time, so it moves to the end.
  await table.deleteEntity(records[1].instanceId, '');
  const recreated = { ...records[1], createdAt: new Date(T0 + 7200_000).toISOString(), status: 'Running' as const };
  await seed(table, hubName, [recreated]);

  const page = await a.queryInstances({ pageSize: 3, descending: true });
  expect(page.instances.map((r) => [r.instanceId, r.status])).toEqual([
    [records[1].instanceId, 'Running'],
    ['from-b', 'Pending'],
    [records[5].instanceId, records[5].status],
  ]);
  expect(await allPages(a, { pageSize: 2 })).toEqual(expectedOrder([{ ...records[0] }, recreated, ...records.slice(2), fresh]));
  expect(await a.countInstances({ statuses: ['Terminated'] })).toEqual({ Terminated: 1 });
  expect(await a.countInstances({})).toEqual({ Completed: 1, Terminated: 1, Running: 2, Failed: 1, Pending: 2 });
});

test("a host whose clock runs an hour ahead still sees another host's new instances: refreshes go by the service's clock", async () => {
  const { a, b } = await twoHosts(3600_000);
  expect(await a.countInstances({})).toEqual({});
  const fresh = recordOf(1, { instanceId: 'later', createdAt: new Date().toISOString(), status: 'Pending' });
  await b.createInstance(fresh, startMessage(fresh), { replaceableStatuses: [] });
  expect((await a.queryInstances({ pageSize: 5 })).instances.map((r) => r.instanceId)).toEqual(['later']);
  expect(await a.countInstances({})).toEqual({ Pending: 1 });
});

test("another host's purges: pages skip the ghosts at once, counts drop them at the next rebuild; own purges at once", async () => {
  const { a, b, clock, table, hubName } = await twoHosts();
  const records = Array.from({ length: 10 }, (_, i) => recordOf(i, { status: 'Completed' }));
  await seed(table, hubName, records);
  expect(await a.countInstances({})).toEqual({ Completed: 10 });

  for (const record of records.slice(1, 4)) expect(await b.purgeInstance(record.instanceId)).toBe(true);
  // The page still holds 3 instances and its token leads to the rest, none lost, none repeated.
  const page = await a.queryInstances({ pageSize: 3 });
  expect(page.instances.map((r) => r.instanceId)).toEqual(['inst-000', 'inst-004', 'inst-005']);
  expect(await allPages(a, { pageSize: 3 })).toEqual(expectedOrder([records[0], ...records.slice(4)]));
  // Ghosts a page met are gone from the counts; one no page met is counted until the rebuild.
  await b.purgeInstance(records[9].instanceId);
  expect(await a.countInstances({})).toEqual({ Completed: 7 });
  clock.advance(DEFAULT_REBUILD_INTERVAL_MS);
  await a.countInstances({});
  await (a as unknown as { instanceStore: { index: { settled(): Promise<void> } } }).instanceStore.index.settled();
  expect(await a.countInstances({})).toEqual({ Completed: 6 });

  expect(await a.purgeInstance(records[0].instanceId)).toBe(true);
  expect(await a.countInstances({})).toEqual({ Completed: 5 });
  expect((await a.queryInstances({ pageSize: 1 })).instances[0].instanceId).toBe('inst-004');
});

test('a page of 30 reads its rows with filters of at most 15 comparisons (14 keys and the row key)', async () => {
  const { a, table, hubName } = await twoHosts();
  const records = Array.from({ length: 40 }, (_, i) => recordOf(i));
  await seed(table, hubName, records);
  await a.countInstances({});
  const filters: string[] = [];
  const listEntities = TableClient.prototype.listEntities;
  const spy = jest.spyOn(TableClient.prototype, 'listEntities').mockImplementation(function (this: TableClient, options) {
    filters.push(String(options?.queryOptions?.filter));
    return listEntities.call(this, options);
  });
  try {
    const page = await a.queryInstances({ pageSize: 30 });
    expect(page.instances.map((r) => r.instanceId)).toEqual(expectedOrder(records).slice(0, 30));
    expect(page.continuationToken).toBeDefined();
  } finally {
    spy.mockRestore();
  }
  const rowReads = filters.filter((filter) => filter.includes('PartitionKey eq'));
  expect(rowReads).toHaveLength(3);
  for (const filter of rowReads) expect(filter.match(/ (eq|ne|gt|ge|lt|le) /g)!.length).toBeLessThanOrEqual(15);
});

test('a rebuild interval that is not a positive number is refused with the option named', () => {
  for (const indexRebuildIntervalMs of [0, -1, Number.NaN]) {
    expect(() => storage.backend({ indexRebuildIntervalMs })).toThrow(/Invalid indexRebuildIntervalMs .*: pass a positive number of milliseconds/);
  }
});
