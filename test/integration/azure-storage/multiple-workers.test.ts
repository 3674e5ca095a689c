// Several workers on one task hub (specs/backends.md A13.1, A5.4): partition leases split between workers and move
// to the survivors when one is killed; activities go to whichever worker asks; a stalled worker that lost its
// instance cannot commit over the new owner's work. The other workers are real processes, killed with SIGKILL.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { inboundEvent, isoTime, systemClock, type HistoryEvent, type InstanceRecord, type OutboundMessage } from '../../../src/core';
import type { InstanceCommit } from '../../../src/backends';
import { AzureStorageBackend, resolveStorageConnection } from '../../../src/backends/azure-storage';
import { partitionIndexOf } from '../../../src/backends/azure-storage/fnv1a';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { AzureWorkerProcess } from '../../support/azure-worker';
import { ScriptedWorker } from '../../support/scripted-worker';
import { LocalTaskHub } from '../../../src/taskhub/local';
import { waitFor } from '../../support/wait-for';

/** Short leases and visibility so takeovers happen in seconds. */
const FAST = {
  leaseIntervalMs: 1500,
  leaseRenewIntervalMs: 200,
  maxQueuePollingIntervalMs: 200,
  controlQueueVisibilityTimeoutMs: 1500,
  workItemQueueVisibilityTimeoutMs: 1500,
};

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startTestAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function worker(hubName: string, options: Partial<typeof FAST> = FAST): AzureStorageBackend {
  const backend = new AzureStorageBackend({
    connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }),
    hubName,
    ...options,
  });
  cleanups.push(() => backend.stop());
  return backend;
}

async function childWorker(hubName: string): Promise<AzureWorkerProcess> {
  const child = new AzureWorkerProcess();
  cleanups.push(() => child.kill());
  await child.request({ command: 'start', connectionString: azurite.connectionString, hubName, options: FAST });
  return child;
}

function start(instanceId: string): { record: InstanceRecord; message: OutboundMessage } {
  const now = isoTime(Date.now());
  return {
    record: { instanceId, name: 'Orch', executionId: 'e1', status: 'Pending', createdAt: now, lastUpdatedAt: now },
    message: {
      instanceId,
      executionId: 'e1',
      event: inboundEvent<'executionStarted'>({ type: 'executionStarted', name: 'Orch', orchestrationInstance: { instanceId, executionId: 'e1' } }, now),
    },
  };
}

/** An instance id that lands on one of the given control queues. */
function idOnPartition(partitions: number[], prefix: string): string {
  for (let i = 0; ; i++) if (partitions.includes(partitionIndexOf(`${prefix}${i}`, 4))) return `${prefix}${i}`;
}

test('two workers split the control queues; when one is killed the other takes its queues and its unfinished instance', async () => {
  const hub = uniqueHubName();
  const a = worker(hub);
  await a.start();
  expect(a.ownedPartitions()).toEqual([0, 1, 2, 3]);

  const b = await childWorker(hub);
  // A13.1 balance: B asks for its share, A drains and hands two queues over.
  const bPartitions = await waitFor('an even split', async () => {
    const owned = await b.request<number[]>({ command: 'partitions' });
    return owned.length === 2 && a.ownedPartitions().length === 2 ? owned : undefined;
  });
  expect([...a.ownedPartitions(), ...bPartitions].sort()).toEqual([0, 1, 2, 3]);

  // B locks an instance on one of its queues, then dies without a word.
  const instanceId = idOnPartition(bPartitions, 'order');
  const { record, message } = start(instanceId);
  await a.createInstance(record, message, { replaceableStatuses: [] });
  expect(await waitFor('B locking it', () => b.request({ command: 'lockNextInstance' }))).toEqual({ instanceId, messages: 1 });
  await b.kill();

  await waitFor('A owning every queue', () => a.ownedPartitions().length === 4);
  const item = await waitFor('the orphaned instance', () => a.lockNextInstance());
  expect(item.instanceId).toBe(instanceId);
  expect(item.messages[0].event).toEqual(message.event);
  // Received before by the dead worker (more than once if a slow machine let its visibility lapse).
  expect(item.messages[0].dequeueCount).toBeGreaterThanOrEqual(2);
  await a.abandonInstance(item);

  const leases = TableClient.fromConnectionString(azurite.connectionString, `${hub}Partitions`, { allowInsecureConnection: true });
  const owners = [];
  for await (const row of leases.listEntities<{ CurrentOwner?: string }>()) owners.push(row.CurrentOwner);
  expect(owners).toEqual([a.workerId, a.workerId, a.workerId, a.workerId]);
});

test('a wait on an instance whose control queue this worker leases reads storage only when this worker ends it; a wait on another worker\'s instance re-reads', async () => {
  const hubName = uniqueHubName();
  const a = worker(hubName);
  const reads = new Map<string, number>();
  const getInstance = a.getInstance.bind(a);
  a.getInstance = (instanceId) => {
    reads.set(instanceId, (reads.get(instanceId) ?? 0) + 1);
    return getInstance(instanceId);
  };
  const hub = new LocalTaskHub({ backend: a, name: hubName, completionPollMs: 20 });
  await hub.start();
  const orchestrations = new ScriptedWorker(hub, {
    orchestrators: { Approval: ({ history }) => (history.some((e) => e.type === 'eventRaised') ? [{ type: 'completeOrchestration', id: 0, orchestrationStatus: 'Completed', result: '"ok"' }] : []) },
  }).start();
  cleanups.push(() => hub.stop(), () => orchestrations.stop());
  const b = await childWorker(hubName);
  const bPartitions = await waitFor('an even split', async () => {
    const owned = await b.request<number[]>({ command: 'partitions' });
    return owned.length === 2 && a.ownedPartitions().length === 2 ? owned : undefined;
  });

  const here = idOnPartition(a.ownedPartitions(), 'here');
  await hub.startOrchestration({ name: 'Approval', instanceId: here });
  await waitFor('the approval to run', async () => (await hub.getOrchestration(here))?.status === 'Running');
  const readsBefore = reads.get(here)!;
  const completed = hub.waitForCompletion(here);
  // Another worker's instance: only storage can tell this worker that it ended, so its wait re-reads every 20 ms.
  const elsewhere = idOnPartition(bPartitions, 'there');
  const stopWaiting = new AbortController();
  const waitingElsewhere = hub.waitForCompletion(elsewhere, stopWaiting.signal);
  await waitFor('20 re-reads of the instance on the other worker', () => (reads.get(elsewhere) ?? 0) >= 20);
  stopWaiting.abort();
  await waitingElsewhere;

  // Meanwhile the wait on this worker's instance read it once, when it began.
  expect(reads.get(here)! - readsBefore).toBe(1);
  await hub.raiseEvent(here, 'Go');
  expect(await completed).toMatchObject({ instanceId: here, status: 'Completed', output: '"ok"' });
});

test('an activity goes to the worker that asks for it: a waiting worker never takes more than it asked for', async () => {
  const hub = uniqueHubName();
  const a = worker(hub);
  await a.start();
  const { record, message } = start('fanout');
  await a.createInstance(record, message, { replaceableStatuses: [] });
  const item = (await a.lockNextInstance())!;
  const t = isoTime(Date.now());
  const tasks = [0, 1].map((id) => ({
    instanceId: 'fanout',
    executionId: 'e1',
    event: { type: 'taskScheduled' as const, eventId: id, timestamp: t, name: 'Work', input: String(id) },
  }));
  await a.completeInstance(item, {
    instance: { ...item.instance!, status: 'Running' },
    history: { append: [{ type: 'orchestratorStarted', eventId: -1, timestamp: t }, item.messages[0].event, ...tasks.map((task) => task.event)] },
    messages: [],
    activities: tasks,
  });
  const b = await childWorker(hub);
  const first = await waitFor('an activity on A', () => a.lockNextActivity());
  const second = await waitFor('an activity on B', () => b.request<{ instanceId: string; messageId: string } | undefined>({ command: 'lockNextActivity' }));
  expect(first.task.instanceId).toBe('fanout');
  expect(second.instanceId).toBe('fanout');
  expect(second.messageId).not.toBe(first.messageId);
  await a.abandonActivity(first);
});

test('a worker that dies after writing history but before the Instances row: the next one rolls the row forward and drops the consumed message', async () => {
  const hub = uniqueHubName();
  const dying = await childWorker(hub);
  const client = worker(hub);
  const { record, message } = start('half-done');
  await client.createInstance(record, message, { replaceableStatuses: [] });
  await waitFor('the dying worker locking it', () => dying.request({ command: 'lockNextInstance' }));
  const t = isoTime(Date.now());
  const scheduled = { type: 'taskScheduled' as const, eventId: 0, timestamp: t, name: 'Work' };
  const committed: InstanceRecord = { ...record, status: 'Running', customStatus: '"step 1"', lastUpdatedAt: t };
  const events: HistoryEvent[] = [{ type: 'orchestratorStarted', eventId: -1, timestamp: t }, message.event, scheduled];
  await dying.request({
    command: 'completeButHangAtInstancesRow',
    commit: { instance: committed, history: { append: events }, messages: [], activities: [{ instanceId: 'half-done', executionId: 'e1', event: scheduled }] },
  });
  expect(await client.getInstance('half-done')).toEqual(record); // the row lags its history
  await dying.kill();

  const survivor = worker(hub);
  await survivor.start();
  const abort = new AbortController();
  const next = survivor.lockNextInstance(abort.signal);
  const queue = new QueueClient(azurite.connectionString, survivor.resources.controlQueues[partitionIndexOf('half-done', 4)]);
  await waitFor('the row rolled forward and the start message consumed', async () => {
    const rolled = (await client.getInstance('half-done'))?.status === 'Running';
    return rolled && (await queue.getProperties()).approximateMessagesCount === 0;
  });
  abort.abort();
  expect(await next).toBeUndefined();
  expect(await client.getInstance('half-done')).toEqual(committed);
  expect(await client.getHistory('half-done')).toEqual(events);
  const lease = await waitFor('the activity the dead worker sent', () => survivor.lockNextActivity());
  expect(lease.task.event).toEqual(scheduled);
  await survivor.abandonActivity(lease);
});

test('a stalled worker whose instance moved on cannot commit: LockLostError, and the new owner’s commit stands (A5.4)', async () => {
  const hub = uniqueHubName();
  const stalled = await childWorker(hub);
  const client = worker(hub);
  const { record, message } = start('contested');
  await client.createInstance(record, message, { replaceableStatuses: [] });
  expect(await waitFor('the stalled worker locking it', () => stalled.request({ command: 'lockNextInstance' }))).toMatchObject({ instanceId: 'contested' });

  const release = join(mkdtempSync(join(tmpdir(), 'stall-')), 'release');
  const t = isoTime(Date.now());
  const lateCommit: InstanceCommit = {
    instance: { ...record, status: 'Completed', output: '"from the stalled worker"' },
    history: { append: [{ type: 'orchestratorStarted', eventId: -1, timestamp: t }, message.event] },
    messages: [],
    activities: [],
  };
  const late = stalled.request({ command: 'stallThenComplete', untilFileExists: release, commit: lateCommit });

  // Its lease and its messages' visibility run out; another worker takes the queue and processes the instance.
  const survivor = worker(hub);
  await survivor.start();
  const item = await waitFor('the instance on the survivor', () => survivor.lockNextInstance());
  const events: HistoryEvent[] = [{ type: 'orchestratorStarted', eventId: -1, timestamp: isoTime(systemClock.now()) }, message.event];
  const winner: InstanceRecord = { ...record, status: 'Completed', output: '"from the survivor"' };
  await survivor.completeInstance(item, { instance: winner, history: { append: events }, messages: [], activities: [] });

  writeFileSync(release, '');
  await expect(late).rejects.toMatchObject({ name: 'LockLostError', message: expect.stringContaining('ETag mismatch') });
  expect(await client.getInstance('contested')).toEqual(winner);
  expect(await client.getHistory('contested')).toEqual(events);
});
