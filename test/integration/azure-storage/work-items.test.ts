// One orchestration's life through the Azure Storage backend against Azurite: start, episode commit, activity,
// response — and what lands in the tables and queues (specs/backends.md A5, A6, A8).

import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { ManualClock, inboundEvent, isoTime, type HistoryEvent, type InstanceRecord, type OutboundMessage } from '../../../src/core';
import type { AzureStorageBackend } from '../../../src/backends/azure-storage';
import { uniqueHubName, useAzuriteBackends } from '../../support/azurite';

const storage = useAzuriteBackends();

function createBackend(hubName: string, clock: ManualClock): AzureStorageBackend {
  return storage.backend({ hubName, clock, maxQueuePollingIntervalMs: 200 });
}

function newInstance(clock: ManualClock, instanceId: string): { record: InstanceRecord; start: OutboundMessage } {
  const now = isoTime(clock.now());
  const record: InstanceRecord = { instanceId, name: 'HelloCities', executionId: 'e1', status: 'Pending', createdAt: now, lastUpdatedAt: now, input: '"in"' };
  const start: OutboundMessage = {
    instanceId,
    executionId: 'e1',
    event: inboundEvent<'executionStarted'>({ type: 'executionStarted', name: 'HelloCities', input: '"in"', orchestrationInstance: { instanceId, executionId: 'e1' } }, now),
  };
  return { record, start };
}

/** A started backend on a hub of its own, with one instance created and not yet handed out. */
async function backendWithInstance(instanceId: string) {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const hub = uniqueHubName();
  const backend = createBackend(hub, clock);
  await backend.start();
  const { record, start } = newInstance(clock, instanceId);
  await backend.createInstance(record, start, { replaceableStatuses: [] });
  return { clock, hub, backend, record, start };
}

test('a started instance is handed out with its record and start message, and a commit lands in the DT.AS tables', async () => {
  const { clock, hub, backend, record, start } = await backendWithInstance('order/1#?');

  const item = await backend.lockNextInstance();
  expect(item?.instanceId).toBe('order/1#?');
  expect(item?.instance).toEqual(record);
  expect(item?.history).toEqual([]);
  expect(item?.messages.map((m) => m.event)).toEqual([start.event]);

  const t = isoTime(clock.now());
  const events: HistoryEvent[] = [
    { type: 'orchestratorStarted', eventId: -1, timestamp: t },
    start.event,
    { type: 'taskScheduled', eventId: 0, timestamp: t, name: 'SayHello', input: '"Tokyo"' },
    { type: 'orchestratorCompleted', eventId: -1, timestamp: t },
  ];
  const running: InstanceRecord = { ...record, status: 'Running', lastUpdatedAt: t, customStatus: '{"step":1}' };
  await backend.completeInstance(item!, {
    instance: running,
    history: { append: events },
    messages: [],
    activities: [{ instanceId: 'order/1#?', executionId: 'e1', event: events[2] as Extract<HistoryEvent, { type: 'taskScheduled' }> }],
  });
  expect(await backend.getInstance('order/1#?')).toEqual(running);
  expect(await backend.getHistory('order/1#?')).toEqual(events);

  // The raw rows: escaped keys, X16 row keys, the sentinel, and the Edm types .NET readers insist on (A5.3, A7).
  const history = TableClient.fromConnectionString(storage.azurite().connectionString, `${hub}History`, { allowInsecureConnection: true });
  const rows = [];
  for await (const row of history.listEntities({ disableTypeConversion: true })) rows.push(row as Record<string, unknown>);
  expect(rows.map((r) => r.rowKey)).toEqual(['0000000000000000', '0000000000000001', '0000000000000002', '0000000000000003', 'sentinel']);
  expect(new Set(rows.map((r) => r.partitionKey))).toEqual(new Set(['order^01^2^3']));
  expect(rows[2]).toMatchObject({
    EventType: { type: 'String', value: 'TaskScheduled' },
    EventId: { type: 'Int32', value: '0' },
    IsPlayed: { type: 'Boolean', value: 'false' },
    _Timestamp: { type: 'DateTime' },
    Name: { type: 'String', value: 'SayHello' },
    ExecutionId: { type: 'String', value: 'e1' },
  });
  expect(rows[4]).toMatchObject({ ExecutionId: { value: 'e1' }, IsCheckpointComplete: { type: 'Boolean', value: 'true' } });
  const instances = TableClient.fromConnectionString(storage.azurite().connectionString, `${hub}Instances`, { allowInsecureConnection: true });
  const row = (await instances.getEntity('order^01^2^3', '', { disableTypeConversion: true })) as Record<string, unknown>;
  expect(row).toMatchObject({
    RuntimeStatus: { value: 'Running' },
    CreatedTime: { type: 'DateTime' },
    Generation: { type: 'Int32', value: '0' },
    CustomStatus: { value: '{"step":1}' },
    TaskHubName: { value: hub },
  });

  // The activity goes through {hub}-workitems and its result comes back to the orchestration.
  const lease = await backend.lockNextActivity();
  expect(lease?.task.event.name).toBe('SayHello');
  expect(lease?.task.instanceId).toBe('order/1#?');
  const completed = inboundEvent<'taskCompleted'>({ type: 'taskCompleted', taskScheduledId: 0, result: '"Hello Tokyo"' }, t);
  await backend.completeActivity(lease!, { instanceId: 'order/1#?', executionId: 'e1', event: completed });
  const next = await backend.lockNextInstance();
  expect(next?.history).toEqual(events);
  expect(next?.messages.map((m) => m.event)).toEqual([completed]);
  expect(next?.messages[0].executionId).toBe('e1');
  await backend.abandonInstance(next!);
});

test('a start made through the worker that leases its control queue is handed out without reading the Instances row or the history', async () => {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const backend = createBackend(uniqueHubName(), clock);
  await backend.start();
  const { record, start } = newInstance(clock, 'fresh');
  await backend.createInstance(record, start, { replaceableStatuses: [] });
  backend.transactions.reset();

  const item = await backend.lockNextInstance();
  expect(item?.instance).toEqual(record);
  expect(item?.history).toEqual([]);
  const reads = backend.transactions.snapshot();
  expect(reads['table.pointRead'] ?? 0).toBe(0);
  expect(reads['table.query'] ?? 0).toBe(0);

  // The remembered row's ETag guards the first commit as a read one would.
  const t = isoTime(clock.now());
  await backend.completeInstance(item!, {
    instance: { ...record, status: 'Completed', lastUpdatedAt: t, completedAt: t, output: '"done"' },
    history: { append: [{ type: 'orchestratorStarted', eventId: -1, timestamp: t }, start.event] },
    messages: [],
    activities: [],
  });
  expect(await backend.getInstance('fresh')).toMatchObject({ status: 'Completed', output: '"done"' });
  expect((await backend.getHistory('fresh')).map((e) => e.type)).toEqual(['orchestratorStarted', 'executionStarted']);
});

test('a start another client made (the row written elsewhere) is read from storage before its first episode', async () => {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const hubName = uniqueHubName();
  const worker = createBackend(hubName, clock);
  await worker.start();
  const client = storage.backend({ hubName, clock });
  const { record, start } = newInstance(clock, 'elsewhere');
  await client.createInstance(record, start, { replaceableStatuses: [] });
  worker.transactions.reset();

  const item = await worker.lockNextInstance();
  expect(item?.instance).toEqual(record);
  expect(worker.transactions.snapshot()).toMatchObject({ 'table.pointRead': 1, 'table.query': 1 });
  await worker.abandonInstance(item!);
});

test('queue messages use the DT.AS 2.x envelope as raw JSON', async () => {
  const { hub, backend } = await backendWithInstance('instance1');
  // specs/backends.md A3: "instance1" → partition 1 of 4.
  const queue = new QueueClient(storage.azurite().connectionString, `${hub.toLowerCase()}-control-01`);
  await backend.stop();
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  expect(peeked.peekedMessageItems).toHaveLength(1);
  const body = JSON.parse(peeked.peekedMessageItems[0].messageText);
  expect(Object.keys(body)[0]).toBe('$type');
  expect(body).toMatchObject({
    $type: 'DurableTask.AzureStorage.MessageData',
    TaskMessage: {
      $type: 'DurableTask.Core.TaskMessage',
      Event: { $type: 'DurableTask.Core.History.ExecutionStartedEvent', EventType: 0, Name: 'HelloCities', EventId: -1 },
      OrchestrationInstance: { $type: 'DurableTask.Core.OrchestrationInstance', InstanceId: 'instance1', ExecutionId: 'e1' },
    },
    CompressedBlobName: null,
    Sender: { InstanceId: '', ExecutionId: '' },
  });
});

test('a stopped backend hands out nothing, hands its messages back, and works again after start()', async () => {
  const { backend, start } = await backendWithInstance('restarted');
  const before = await backend.lockNextInstance();
  expect(before?.instanceId).toBe('restarted');
  await backend.abandonInstance(before!);
  await backend.stop();
  expect(backend.ownedPartitions()).toEqual([]);
  expect(await backend.lockNextInstance()).toBeUndefined();
  await backend.start();
  expect(backend.ownedPartitions()).toEqual([0, 1, 2, 3]);
  const after = await backend.lockNextInstance(AbortSignal.timeout(20_000));
  expect(after?.messages.map((m) => m.event)).toEqual([start.event]);
  await backend.abandonInstance(after!);
});

test("an activity's result reaches its orchestration on this worker in memory, and goes to the control queue only when handed back", async () => {
  // docs/azure-storage.md: the work-item message carries the result; the checkpoint that consumes it deletes it.
  const { clock, hub, backend, record, start } = await backendWithInstance('instance1');
  const item = await backend.lockNextInstance();
  const t = isoTime(clock.now());
  const scheduled = { type: 'taskScheduled', eventId: 0, timestamp: t, name: 'SayHello', input: '"Tokyo"' } as const;
  const events: HistoryEvent[] = [{ type: 'orchestratorStarted', eventId: -1, timestamp: t }, start.event, scheduled, { type: 'orchestratorCompleted', eventId: -1, timestamp: t }];
  await backend.completeInstance(item!, { instance: { ...record, status: 'Running' }, history: { append: events }, messages: [], activities: [{ instanceId: 'instance1', executionId: 'e1', event: scheduled }] });

  const lease = await backend.lockNextActivity();
  const completed = inboundEvent<'taskCompleted'>({ type: 'taskCompleted', taskScheduledId: 0, result: '"Hello Tokyo"' }, t);
  const sends = () => backend.transactions.snapshot()['queue.send'] ?? 0;
  const sentBefore = sends();
  await backend.completeActivity(lease!, { instanceId: 'instance1', executionId: 'e1', event: completed });
  expect(sends()).toBe(sentBefore);
  const workItems = new QueueClient(storage.azurite().connectionString, `${hub.toLowerCase()}-workitems`);
  // Still there, invisible: a crash now runs the activity again (A8.6).
  expect((await workItems.getProperties()).approximateMessagesCount).toBe(1);

  const carried = await backend.lockNextInstance();
  expect(carried?.messages.map((m) => m.event)).toEqual([completed]);
  await backend.abandonInstance(carried!);
  // Handed back: the result is sent to the orchestration's control queue and the work item is gone.
  expect(sends()).toBe(sentBefore + 1);
  expect((await workItems.getProperties()).approximateMessagesCount).toBe(0);

  const again = await backend.lockNextInstance(AbortSignal.timeout(20_000));
  expect(again?.messages.map((m) => m.event)).toEqual([completed]);
  await backend.completeInstance(again!, { instance: { ...record, status: 'Completed', output: '"done"' }, history: { append: [{ type: 'orchestratorStarted', eventId: -1, timestamp: t }, completed, { type: 'orchestratorCompleted', eventId: -1, timestamp: t }] }, messages: [], activities: [] });
  const control = new QueueClient(storage.azurite().connectionString, `${hub.toLowerCase()}-control-01`);
  expect((await control.getProperties()).approximateMessagesCount).toBe(0);
  await backend.stop();
});
