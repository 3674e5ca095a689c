// Listing, counting and purging by filter over the Scheduler's protocol (instance-queries.ts). The "server" is a
// real LocalTaskHub on memory, asked only what InstanceQuery and PurgeInstanceFilter carry (as the emulator
// does), with the calls recorded: what the protocol cannot filter on is matched in the hub, pages stay exact,
// and a filtered purge never purges an instance that does not match.
import type { OrchestratorAction } from '../../../../src/core';
import { MemoryBackend } from '../../../../src/backends/memory';
import { MAX_PURGE_BATCH } from '../../../../src/scheduler-protocol';
import { NotSupportedError } from '../../../../src/taskhub';
import {
  MAX_COUNTED_INSTANCES,
  MAX_SERVER_PAGES_PER_LIST,
  countInstances,
  purgeInstances,
  queryInstances,
  type InstanceServer,
  type ServerInstanceQuery,
} from '../../../../src/taskhub/grpc/instance-queries';
import { LocalTaskHub } from '../../../../src/taskhub/local';
import { ScriptedWorker, type EpisodeView } from '../../../support/scripted-worker';
import { waitFor } from '../../../support/wait-for';

const complete = (input: string | undefined): OrchestratorAction => ({ type: 'completeOrchestration', id: 0, orchestrationStatus: 'Completed', result: input });
/** Each orchestrator completes at once with its input as the result and the custom status. */
const echo = ({ input }: EpisodeView) => ({ actions: [complete(input)], customStatus: input });

class RecordingServer implements InstanceServer {
  readonly queries: ServerInstanceQuery[] = [];
  readonly batches: string[][] = [];
  filterPurges = 0;
  constructor(private readonly hub: LocalTaskHub) {}
  query(query: ServerInstanceQuery) {
    this.queries.push(query);
    return this.hub.queryOrchestrations(query);
  }
  async purgeBatch(ids: string[]) {
    this.batches.push(ids);
    let deleted = 0;
    for (const id of ids) deleted += await this.hub.purge(id);
    return deleted;
  }
  purgeFilter(filter: { statuses: readonly string[]; createdFrom?: string; createdTo?: string }) {
    this.filterPurges++;
    return this.hub.purgeBy(filter as Parameters<LocalTaskHub['purgeBy']>[0]);
  }
}

async function hubWith(instances: { id: string; name: string; input: string }[], run = true): Promise<{ hub: LocalTaskHub; stop(): Promise<void> }> {
  const hub = new LocalTaskHub({ backend: new MemoryBackend(), name: 'QueryHub' });
  await hub.start();
  const worker = run ? new ScriptedWorker(hub, { orchestrators: { Echo: echo, Other: echo } }, ['orchestrator'], 4).start() : undefined;
  for (const { id, name, input } of instances) await hub.startOrchestration({ name, instanceId: id, input });
  if (run) {
    await waitFor('every instance to complete', async () => {
      const page = await hub.queryOrchestrations({ statuses: ['Completed'], pageSize: instances.length + 1 });
      return page.items.length === instances.length;
    });
  }
  return { hub, stop: async () => (await worker?.stop(), await hub.stop()) };
}

const ids = (items: { instanceId: string }[]) => items.map((item) => item.instanceId).sort();
const pad = (n: number) => String(n).padStart(3, '0');

describe('instance queries over the Scheduler protocol', () => {
  // 30 "Other" instances first, then 5 "Echo" ones; Echo's custom status is "hit" for even numbers.
  const others = Array.from({ length: 30 }, (_, i) => ({ id: `a-other-${pad(i)}`, name: 'Other', input: '"miss"' }));
  const echoes = Array.from({ length: 5 }, (_, i) => ({ id: `b-echo-${pad(i)}`, name: 'Echo', input: i % 2 === 0 ? '"hit"' : '"miss"' }));
  let fixture: Awaited<ReturnType<typeof hubWith>>;
  beforeAll(async () => {
    fixture = await hubWith([...others, ...echoes]);
  });
  afterAll(() => fixture.stop());

  it('pushes statuses, dates, prefix, page size and token to the server, and matches name and custom status in the hub', async () => {
    const server = new RecordingServer(fixture.hub);
    const page = await queryInstances(server, { name: 'Echo', customStatusContains: 'hit', statuses: ['Completed'], instanceIdPrefix: 'b-', createdFrom: '2000-01-01T00:00:00.000Z', pageSize: 10 });
    expect(ids(page.items)).toEqual(['b-echo-000', 'b-echo-002', 'b-echo-004']);
    expect(server.queries[0]).toEqual({ statuses: ['Completed'], createdFrom: '2000-01-01T00:00:00.000Z', createdTo: undefined, instanceIdPrefix: 'b-', pageSize: 10, continuationToken: undefined });
  });

  it('fills pages with name matches across server pages, never more than the page size, and loses none between pages', async () => {
    const server = new RecordingServer(fixture.hub);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await queryInstances(server, { name: 'Echo', pageSize: 2, continuationToken: token });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.instanceId));
      token = page.continuationToken;
    } while (token);
    expect(seen.sort()).toEqual(echoes.map((e) => e.id));
    // Each server page asks only for the matches still missing.
    expect(server.queries.every((query) => query.pageSize <= 2)).toBe(true);
  });

  it(`reads at most ${MAX_SERVER_PAGES_PER_LIST} server pages per request, then returns what it has with a token`, async () => {
    const server = new RecordingServer(fixture.hub);
    const page = await queryInstances(server, { name: 'Echo', pageSize: 1 });
    // The 30 Others come first: 20 one-instance server pages find no Echo yet.
    expect(page.items).toEqual([]);
    expect(page.continuationToken).toBeDefined();
    expect(server.queries).toHaveLength(MAX_SERVER_PAGES_PER_LIST);
    const next = await queryInstances(server, { name: 'Echo', pageSize: 1, continuationToken: page.continuationToken });
    expect(ids(next.items)).toEqual(['b-echo-000']);
  });

  it('refuses newest-first with NotSupportedError (the Scheduler has its own order)', async () => {
    await expect(queryInstances(new RecordingServer(fixture.hub), { descending: true })).rejects.toThrow(NotSupportedError);
    await expect(queryInstances(new RecordingServer(fixture.hub), { descending: true })).rejects.toThrow(/own order/);
  });

  it('counts by status with every filter applied', async () => {
    const server = new RecordingServer(fixture.hub);
    expect(await countInstances(server, { name: 'Echo', customStatusContains: 'hit' })).toEqual({ Completed: 3 });
    expect(await countInstances(server, {})).toEqual({ Completed: 35 });
    expect(await countInstances(server, { statuses: ['Failed'] })).toEqual({});
  });

  it('purges with a name, prefix or custom-status filter only the instances that match, by id', async () => {
    const { hub, stop } = await hubWith([...echoes, { id: 'b-other', name: 'Other', input: '"hit"' }]);
    try {
      const server = new RecordingServer(hub);
      expect(await purgeInstances(server, { name: 'Echo', customStatusContains: 'hit' })).toBe(3);
      expect(server.filterPurges).toBe(0);
      const left = await hub.queryOrchestrations({ pageSize: 100 });
      expect(ids(left.items)).toEqual(['b-echo-001', 'b-echo-003', 'b-other']);
      expect(await purgeInstances(server, { instanceIdPrefix: 'b-echo-' })).toBe(2);
      expect(ids((await hub.queryOrchestrations({ pageSize: 100 })).items)).toEqual(['b-other']);
      // Statuses and dates alone go to the server's purge filter.
      expect(await purgeInstances(server, { statuses: ['Completed'] })).toBe(1);
      expect(server.filterPurges).toBe(1);
      // Only finished instances are purged.
      expect(await purgeInstances(server, { statuses: ['Running', 'Pending'] })).toBe(0);
    } finally {
      await stop();
    }
  });

  it(`purges by id in batches of at most ${MAX_PURGE_BATCH}`, async () => {
    const many = Array.from({ length: MAX_PURGE_BATCH + 1 }, (_, i) => ({ id: `many-${i}`, name: 'Echo', input: '"x"' }));
    const { hub, stop } = await hubWith(many);
    try {
      const server = new RecordingServer(hub);
      expect(await purgeInstances(server, { name: 'Echo' })).toBe(MAX_PURGE_BATCH + 1);
      expect(server.batches.map((batch) => batch.length)).toEqual([MAX_PURGE_BATCH, 1]);
    } finally {
      await stop();
    }
  });

  it(`refuses to count past ${MAX_COUNTED_INSTANCES.toLocaleString('en-US')} matches, with a message that says how to narrow`, async () => {
    const many = Array.from({ length: MAX_COUNTED_INSTANCES + 1 }, (_, i) => ({ id: `p-${i}`, name: 'Echo', input: '"x"' }));
    const { hub, stop } = await hubWith(many, false);
    try {
      const server = new RecordingServer(hub);
      await expect(countInstances(server, {})).rejects.toThrow(NotSupportedError);
      await expect(countInstances(server, {})).rejects.toThrow(/More than 10,000 instances match.*narrow the filter/);
      expect(await countInstances(server, { instanceIdPrefix: 'p-1' })).toEqual({ Pending: 1_112 });
    } finally {
      await stop();
    }
  }, 60_000);
});
