// History checkpoints and large payloads against Azurite: multi-batch appends, continue-as-new overwrites, kept
// messages, and payloads moved to `{hub}-largemessages` (specs/backends.md A4.4, A5.4, A5.5, A6.1).

import { ContainerClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { inboundEvent, isoTime, type HistoryEvent, type InstanceRecord, type OutboundMessage } from '../../../src/core';
import type { InstanceWorkItem } from '../../../src/backends';
import { AzureStorageBackend, resolveStorageConnection } from '../../../src/backends/azure-storage';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { waitFor } from '../../support/wait-for';

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startTestAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

let backend: AzureStorageBackend;
let hub: string;
beforeEach(async () => {
  hub = uniqueHubName();
  backend = new AzureStorageBackend({
    connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }),
    hubName: hub,
    maxQueuePollingIntervalMs: 100,
  });
  await backend.start();
});
afterEach(() => backend.stop());

const t = () => isoTime(Date.now());

async function started(instanceId: string, input = '"in"'): Promise<{ item: InstanceWorkItem; record: InstanceRecord; message: OutboundMessage }> {
  const now = t();
  const record: InstanceRecord = { instanceId, name: 'Orch', executionId: 'e1', status: 'Pending', createdAt: now, lastUpdatedAt: now, input };
  const message: OutboundMessage = {
    instanceId,
    executionId: 'e1',
    event: inboundEvent<'executionStarted'>({ type: 'executionStarted', name: 'Orch', input, orchestrationInstance: { instanceId, executionId: 'e1' } }, now),
  };
  await backend.createInstance(record, message, { replaceableStatuses: [] });
  const item = await waitFor('the start', () => backend.lockNextInstance());
  return { item, record, message };
}

function historyRowKeys(instanceId: string): Promise<string[]> {
  return (async () => {
    const table = TableClient.fromConnectionString(azurite.connectionString, `${hub}History`, { allowInsecureConnection: true });
    const keys: string[] = [];
    for await (const row of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${instanceId}'` } })) keys.push(row.rowKey!);
    return keys;
  })();
}

async function blobNames(): Promise<string[]> {
  const container = new ContainerClient(azurite.connectionString, `${hub.toLowerCase()}-largemessages`);
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat()) names.push(blob.name);
  return names;
}

test('a checkpoint of 250 events spans several entity-group transactions and reads back in order (A5.4)', async () => {
  const { item, record, message } = await started('long');
  const events: HistoryEvent[] = [message.event];
  for (let i = 0; i < 249; i++) events.push({ type: 'eventRaised', eventId: -1, timestamp: t(), name: `e${i}`, input: String(i) });
  await backend.completeInstance(item, { instance: { ...record, status: 'Running' }, history: { append: events }, messages: [], activities: [] });
  expect(await backend.getHistory('long')).toEqual(events);
  expect(await historyRowKeys('long')).toHaveLength(251);
});

test('continue-as-new replaces the history: rows start again at 0 and the old tail is removed (A5.4)', async () => {
  const { item, record, message } = await started('eternal');
  const first: HistoryEvent[] = [
    { type: 'orchestratorStarted', eventId: -1, timestamp: t() },
    message.event,
    { type: 'timerCreated', eventId: 0, timestamp: t(), fireAt: t() },
    { type: 'orchestratorCompleted', eventId: -1, timestamp: t() },
  ];
  const self: OutboundMessage = {
    instanceId: 'eternal',
    executionId: 'e1',
    event: { type: 'eventRaised', eventId: -1, timestamp: t(), name: 'tick' },
  };
  await backend.completeInstance(item, { instance: { ...record, status: 'Running' }, history: { append: first }, messages: [self], activities: [] });
  const next = await waitFor('the tick', () => backend.lockNextInstance());
  const restarted: HistoryEvent[] = [
    { type: 'orchestratorStarted', eventId: -1, timestamp: t() },
    inboundEvent<'executionStarted'>({ type: 'executionStarted', name: 'Orch', input: '2', orchestrationInstance: { instanceId: 'eternal', executionId: 'e2' } }, t()),
  ];
  const e2: InstanceRecord = { ...record, executionId: 'e2', status: 'Running', input: '2' };
  await backend.completeInstance(next, { instance: e2, history: { replace: restarted }, messages: [], activities: [] });
  expect(await backend.getHistory('eternal')).toEqual(restarted);
  expect(await historyRowKeys('eternal')).toEqual(['0000000000000000', '0000000000000001', 'sentinel']);
});

test('kept messages stay in the inbox and come back with the next message for the instance', async () => {
  const { item, record, message } = await started('suspended');
  await backend.completeInstance(item, { instance: { ...record, status: 'Running' }, history: { append: [message.event] }, messages: [], activities: [] });
  const raise = (name: string): OutboundMessage => ({ instanceId: 'suspended', event: { type: 'eventRaised', eventId: -1, timestamp: t(), name } });
  await backend.sendMessages([raise('held')]);
  const first = await waitFor('the held event', () => backend.lockNextInstance());
  await backend.completeInstance(first, {
    instance: { ...record, status: 'Suspended' },
    history: { append: [] },
    messages: [],
    activities: [],
    keepMessageIds: [first.messages[0].messageId],
  });
  await backend.sendMessages([raise('resume')]);
  const second = await waitFor('the next batch', () => backend.lockNextInstance());
  expect(second.messages.map((m) => (m.event as { name: string }).name)).toEqual(['held', 'resume']);
  await backend.abandonInstance(second);
});

test('large payloads go to blobs and come back whole: queue message > 45 KB, history and Instances properties > 60 KB (A4.4, A5.5)', async () => {
  const big = JSON.stringify('x'.repeat(100_000));
  const { item, record, message } = await started('big', big);
  expect(item.messages[0].event).toEqual(message.event);
  expect(item.instance?.input).toBe(big);
  const output = JSON.stringify('y'.repeat(80_000));
  const events: HistoryEvent[] = [message.event, { type: 'executionCompleted', eventId: 0, timestamp: t(), orchestrationStatus: 'Completed', result: output }];
  const done: InstanceRecord = { ...record, status: 'Completed', output, completedAt: t() };
  await backend.completeInstance(item, { instance: done, history: { append: events }, messages: [], activities: [] });
  expect(await backend.getInstance('big')).toEqual(done);
  expect(await backend.getHistory('big')).toEqual(events);
  const blobs = await blobNames();
  expect(blobs).toContainEqual(expect.stringMatching(/^big\/message-[0-9a-f]{32}-ExecutionStarted\.json\.gz$/));
  expect(blobs).toContainEqual(expect.stringMatching(/^big\/history-0000000000000000-ExecutionStarted-[0-9A-F]{8}-Input\.json\.gz$/));
  expect(blobs).toContainEqual(expect.stringMatching(/^big\/instance-Output\.json\.gz$/));

  expect(await backend.purgeInstance('big')).toBe(true);
  expect(await blobNames()).toEqual([]);
  expect(await historyRowKeys('big')).toEqual([]);
  expect(await backend.getInstance('big')).toBeUndefined();
});
