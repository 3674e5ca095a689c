// Client operations on the Instances table (specs/backends.md A6.2, A6.3, A8.1) and durable timers through
// message visibility (A11).

import { inboundEvent, isoTime, type InstanceRecord, type OutboundMessage, type RuntimeStatus } from '../../../src/core';
import { InstanceExistsError, LockLostError } from '../../../src/backends';
import { StorageTransactionCounter, type AzureStorageBackend } from '../../../src/backends/azure-storage';
import { QueueClient } from '@azure/storage-queue';
import { partitionIndexOf } from '../../../src/backends/azure-storage/fnv1a';
import { decodeQueueMessageText } from '../../../src/backends/azure-storage/queue-message-codec';
import { useAzuriteBackends } from '../../support/azurite';
import { waitFor } from '../../support/wait-for';

const storage = useAzuriteBackends();
const newBackend = storage.backend;

function start(instanceId: string, executionId = 'e1', createdAt = isoTime(Date.now())): { record: InstanceRecord; message: OutboundMessage } {
  return {
    record: { instanceId, name: 'Orch', executionId, status: 'Pending', createdAt, lastUpdatedAt: createdAt },
    message: {
      instanceId,
      executionId,
      event: inboundEvent<'executionStarted'>({ type: 'executionStarted', name: 'Orch', orchestrationInstance: { instanceId, executionId } }, createdAt),
    },
  };
}

test('an id in use is refused unless its status is replaceable; a replacement bumps Generation and runs the new execution', async () => {
  const backend = newBackend();
  await backend.start();
  const first = start('job');
  await backend.createInstance(first.record, first.message, { replaceableStatuses: [] });
  const second = start('job', 'e2');
  const refused = backend.createInstance(second.record, second.message, { replaceableStatuses: ['Completed'] });
  await expect(refused).rejects.toThrow(InstanceExistsError);
  await expect(refused).rejects.toThrow(/already exists with status Pending/);

  const item = await waitFor('the first start', () => backend.lockNextInstance());
  expect(item.messages.map((m) => m.executionId)).toEqual(['e1']);
  await backend.completeInstance(item, {
    instance: { ...first.record, status: 'Completed' },
    history: { append: [first.message.event] },
    messages: [],
    activities: [],
  });
  await backend.createInstance(second.record, second.message, { replaceableStatuses: ['Completed'] });
  const rerun = await waitFor('the second start', () => backend.lockNextInstance());
  expect(rerun.instance).toEqual(second.record);
  expect(rerun.history).toEqual([]);
  expect(rerun.messages.map((m) => m.executionId)).toEqual(['e2']);
  await backend.abandonInstance(rerun);
});

test('a work item whose instance was replaced or purged meanwhile cannot commit over it: LockLostError', async () => {
  const backend = newBackend();
  await backend.start();
  const first = start('replaced');
  await backend.createInstance(first.record, first.message, { replaceableStatuses: [] });
  const stale = await waitFor('the first start', () => backend.lockNextInstance());
  const second = start('replaced', 'e2');
  await backend.createInstance(second.record, second.message, { replaceableStatuses: ['Pending'] });
  const commit = { instance: { ...first.record, status: 'Running' as const }, history: { append: [first.message.event] }, messages: [], activities: [] };
  await expect(backend.completeInstance(stale, commit)).rejects.toThrow(LockLostError);
  expect(await backend.getInstance('replaced')).toEqual(second.record);

  const doomed = start('purged');
  await backend.createInstance(doomed.record, doomed.message, { replaceableStatuses: [] });
  const orphan = await waitFor('the doomed start', async () => {
    const item = await backend.lockNextInstance();
    if (item?.instanceId === 'purged') return item;
    if (item) await backend.abandonInstance(item, 60_000);
    return undefined;
  });
  expect(await backend.purgeInstance('purged')).toBe(true);
  await expect(backend.completeInstance(orphan, { ...commit, instance: { ...doomed.record, status: 'Running' }, history: { append: [doomed.message.event] } })).rejects.toThrow(LockLostError);
  expect(await backend.getInstance('purged')).toBeUndefined();
  expect(await backend.getHistory('purged')).toEqual([]);
});

test('a refused start takes its message back, so no stray start waits in the queue', async () => {
  const worker = newBackend();
  await worker.start();
  await worker.stop();
  const client = newBackend({ hubName: worker.resources.hubName });
  const first = start('once');
  await client.createInstance(first.record, first.message, { replaceableStatuses: [] });
  const second = start('once', 'e2');
  await expect(client.createInstance(second.record, second.message, { replaceableStatuses: [] })).rejects.toThrow(InstanceExistsError);
  const queue = new QueueClient(storage.azurite().connectionString, worker.resources.controlQueues[partitionIndexOf('once', 4)]);
  const waiting = (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
  expect(waiting.map((m) => decodeQueueMessageText(m.messageText).message?.executionId)).toEqual(['e1']);
});

test('a client start that arrives before its Instances row waits for it; one that lost to a later start is dropped (A8.1)', async () => {
  const backend = newBackend();
  await backend.start();
  // A start message without its row (the client died between the two writes of A6.2), then a later, complete start.
  const orphan = start('raced', 'e-orphan', isoTime(Date.now() - 1000));
  await backend.sendMessages([orphan.message]);
  const winner = start('raced', 'e-winner');
  await backend.createInstance(winner.record, winner.message, { replaceableStatuses: [] });
  const item = await waitFor('the winning start', () => backend.lockNextInstance());
  expect(item.messages.map((m) => m.executionId)).toEqual(['e-winner']);
  await backend.abandonInstance(item);
});

test('queries filter by status, creation time and id prefix, page with continuation tokens, and keep entities apart (A6.3)', async () => {
  const backend = newBackend();
  await backend.start();
  const put = async (instanceId: string, status: RuntimeStatus, createdAt: string) => {
    const { record, message } = start(instanceId, 'e1', createdAt);
    await backend.createInstance({ ...record, status }, message, { replaceableStatuses: [] });
  };
  await put('a1', 'Pending', '2024-01-01T00:00:00.000Z');
  await put('a2', 'Pending', '2024-01-02T00:00:00.000Z');
  await put('b1', 'Pending', '2024-01-03T00:00:00.000Z');
  await put('@counter@k', 'Running', '2024-01-01T00:00:00.000Z');
  const ids = async (query: Parameters<AzureStorageBackend['queryInstances']>[0]) => (await backend.queryInstances(query)).instances.map((i) => i.instanceId);

  expect(await ids({})).toEqual(['a1', 'a2', 'b1']);
  expect(await ids({ kind: 'entity' })).toEqual(['@counter@k']);
  expect(await ids({ kind: 'all' })).toEqual(['@counter@k', 'a1', 'a2', 'b1']);
  expect(await ids({ instanceIdPrefix: 'a' })).toEqual(['a1', 'a2']);
  expect(await ids({ createdFrom: '2024-01-02T00:00:00.000Z' })).toEqual(['a2', 'b1']);
  expect(await ids({ createdTo: '2024-01-01T12:00:00.000Z', kind: 'all' })).toEqual(['@counter@k', 'a1']);
  expect(await ids({ statuses: ['Running'], kind: 'all' })).toEqual(['@counter@k']);

  const page1 = await backend.queryInstances({ pageSize: 2 });
  expect(page1.instances.map((i) => i.instanceId)).toEqual(['a1', 'a2']);
  const page2 = await backend.queryInstances({ pageSize: 2, continuationToken: page1.continuationToken });
  expect(page2.instances.map((i) => i.instanceId)).toEqual(['b1']);
  expect(page2.continuationToken).toBeUndefined();
});

test('pages follow creation time, then instance id — not the table key order', async () => {
  const backend = newBackend();
  await backend.start();
  for (const [instanceId, day] of [['zeta', 1], ['alpha', 3], ['mid', 2], ['beta', 3]] as const) {
    const { record, message } = start(instanceId, 'e1', `2024-01-0${day}T00:00:00.000Z`);
    await backend.createInstance(record, message, { replaceableStatuses: [] });
  }
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await backend.queryInstances({ pageSize: 3, continuationToken: token });
    seen.push(...page.instances.map((i) => i.instanceId));
    token = page.continuationToken;
  } while (token);
  expect(seen).toEqual(['zeta', 'mid', 'alpha', 'beta']);
  await expect(backend.queryInstances({ pageSize: 2, continuationToken: 'garbage' })).rejects.toThrow(/Invalid continuation token/);
});

test('purge by filter removes only finished instances that match', async () => {
  const backend = newBackend();
  const put = async (instanceId: string, status: RuntimeStatus) => {
    const { record, message } = start(instanceId, 'e1', '2024-01-01T00:00:00.000Z');
    await backend.createInstance({ ...record, status }, message, { replaceableStatuses: [] });
  };
  await backend.start();
  await put('done', 'Completed');
  await put('failed', 'Failed');
  await put('busy', 'Running');
  expect(await backend.purgeInstances({ statuses: ['Completed', 'Running'] })).toBe(1);
  expect(await backend.getInstance('done')).toBeUndefined();
  expect(await backend.purgeInstances({})).toBe(1);
  expect((await backend.queryInstances({})).instances.map((i) => i.instanceId)).toEqual(['busy']);
  expect(await backend.purgeInstance('nope')).toBe(false);
});

test('a timer longer than one queue visibility hops until it is due, and is never delivered early (A11)', async () => {
  const transactions = new StorageTransactionCounter();
  const backend = newBackend({ maxVisibilityDelayMs: 1000, transactionCounter: transactions });
  await backend.start();
  const { record, message } = start('sleeper');
  await backend.createInstance(record, message, { replaceableStatuses: [] });
  const first = await waitFor('the start', () => backend.lockNextInstance());
  // Longer than the 5 s a message that arrives early waits in memory, so it has to hop.
  const fireAt = Date.now() + 7500;
  const timer: OutboundMessage = {
    instanceId: 'sleeper',
    executionId: 'e1',
    visibleAt: fireAt,
    event: { type: 'timerFired', eventId: -1, timestamp: isoTime(Date.now()), timerId: 0, fireAt: isoTime(fireAt) },
  };
  transactions.reset();
  await backend.completeInstance(first, {
    instance: { ...record, status: 'Running' },
    history: { append: [message.event, { type: 'timerCreated', eventId: 0, timestamp: isoTime(Date.now()), fireAt: isoTime(fireAt) }] },
    messages: [timer],
    activities: [],
  });
  const item = await waitFor('the timer', () => backend.lockNextInstance());
  expect(Date.now()).toBeGreaterThanOrEqual(fireAt);
  expect(item.messages.map((m) => m.event)).toEqual([timer.event]);
  // Sent once, then re-sent at least twice (after ~1 s and ~2 s), each hop deleting the previous message; the
  // last seconds it is held in memory until due.
  expect(transactions.snapshot()['queue.send']).toBeGreaterThanOrEqual(3);
  await backend.abandonInstance(item);
});
