// Bad messages and bad storage: a message that keeps failing or cannot be read is parked in `{hub}-poison` with a
// log line naming the instance (never retried forever, never dropped); unreachable or misconfigured storage is one
// clear error at start-up.

import { QueueClient } from '@azure/storage-queue';
import { inboundEvent, isoTime, type InstanceRecord, type Logger, type OutboundMessage } from '../../../src/core';
import { StorageUnavailableError, developmentConnectionString, type AzureStorageBackend } from '../../../src/backends/azure-storage';
import { decodeQueueMessageText } from '../../../src/backends/azure-storage/queue-message-codec';
import { uniqueHubName, useAzuriteBackends } from '../../support/azurite';
import { waitFor } from '../../support/wait-for';

const storage = useAzuriteBackends();

class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(): void {}
  info(): void {}
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
}

function backendFor(hubName: string, logger: Logger, connectionString?: string): AzureStorageBackend {
  return storage.backend({ hubName, logger, maxDequeueCount: 2, connectionString });
}

function start(instanceId: string): { record: InstanceRecord; message: OutboundMessage } {
  const now = isoTime(Date.now());
  return {
    record: { instanceId, name: 'Orch', executionId: 'e1', status: 'Pending', createdAt: now, lastUpdatedAt: now },
    message: { instanceId, executionId: 'e1', event: inboundEvent<'executionStarted'>({ type: 'executionStarted', name: 'Orch', orchestrationInstance: { instanceId, executionId: 'e1' } }, now) },
  };
}

/** The move is logged after the message is in the poison queue: wait for the line, then the queue has it. */
function loggedLine(logger: RecordingLogger, pattern: RegExp): Promise<string> {
  return waitFor(`a log line matching ${pattern}`, async () => logger.lines.find((line) => pattern.test(line)));
}

async function poisonBodies(hubName: string): Promise<string[]> {
  const queue = new QueueClient(storage.azurite().connectionString, `${hubName.toLowerCase()}-poison`);
  return (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
}

test('an instance message abandoned more than maxDequeueCount times is parked in {hub}-poison, named in the log', async () => {
  const hub = uniqueHubName();
  const logger = new RecordingLogger();
  const backend = backendFor(hub, logger);
  await backend.start();
  const { record, message } = start('flaky-order');
  await backend.createInstance(record, message, { replaceableStatuses: [] });
  for (let attempt = 1; attempt <= 2; attempt++) {
    const item = await waitFor(`attempt ${attempt}`, () => backend.lockNextInstance());
    expect(item.messages[0].dequeueCount).toBe(attempt);
    await backend.abandonInstance(item);
  }
  await loggedLine(logger, /^error: Moved executionStarted message for instance 'flaky-order' .* to .*-poison: it was received 3 times/);
  const parked = await poisonBodies(hub);
  expect(parked).toHaveLength(1);
  expect(decodeQueueMessageText(parked[0]).message).toEqual(message);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 300);
  expect(await backend.lockNextInstance(abort.signal)).toBeUndefined();
});

test('an activity that keeps failing is parked too', async () => {
  const hub = uniqueHubName();
  const logger = new RecordingLogger();
  const backend = backendFor(hub, logger);
  await backend.start();
  const { record, message } = start('flaky-activity');
  await backend.createInstance(record, message, { replaceableStatuses: [] });
  const item = (await backend.lockNextInstance())!;
  const t = isoTime(Date.now());
  const task = { instanceId: 'flaky-activity', executionId: 'e1', event: { type: 'taskScheduled' as const, eventId: 0, timestamp: t, name: 'Crashy' } };
  await backend.completeInstance(item, { instance: { ...record, status: 'Running' }, history: { append: [message.event, task.event] }, messages: [], activities: [task] });
  for (let attempt = 1; attempt <= 2; attempt++) {
    const lease = await waitFor(`attempt ${attempt}`, () => backend.lockNextActivity());
    await backend.abandonActivity(lease);
  }
  // The work-item queue is read on demand: the next worker asking for an activity receives it a third time.
  const abort = new AbortController();
  const next = backend.lockNextActivity(abort.signal);
  await loggedLine(logger, /Moved taskScheduled message for instance 'flaky-activity' .* from .*-workitems to .*-poison/);
  expect(await poisonBodies(hub)).toHaveLength(1);
  abort.abort();
  expect(await next).toBeUndefined();
});

test('a message that is not a DT.AS message is parked at once, unchanged', async () => {
  const hub = uniqueHubName();
  const logger = new RecordingLogger();
  const backend = backendFor(hub, logger);
  await backend.start();
  await new QueueClient(storage.azurite().connectionString, `${hub.toLowerCase()}-control-02`).sendMessage('{"hello":"world"}');
  await loggedLine(logger, /Moved an unreadable message .* from .*-control-02 to .*-poison: it cannot be read/);
  expect(await poisonBodies(hub)).toEqual(['{"hello":"world"}']);
});

test('unreachable storage is one clear error at start-up', async () => {
  const closed = developmentConnectionString({ blob: 1, queue: 1, table: 1 });
  const backend = backendFor(uniqueHubName(), new RecordingLogger(), closed);
  const failure = backend.start();
  await expect(failure).rejects.toThrow(StorageUnavailableError);
  await expect(failure).rejects.toThrow(/does not answer .*Start Azurite/);
});

test('a wrong account key is one clear error at start-up', async () => {
  const wrongKey = storage.azurite().connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`);
  const backend = backendFor(uniqueHubName(), new RecordingLogger(), wrongKey);
  await expect(backend.start()).rejects.toThrow(/access was denied \(403/);
});
