// specs/backends.md A4.1–A4.4: the DT.AS MessageData envelope, Newtonsoft `$type` rules, numeric enums, both
// body encodings, and large-message stubs.

import {
  decodeQueueMessageText,
  encodeLargeMessageStub,
  encodeMessageData,
  UnreadableQueueMessageError,
} from '../../../../src/backends/azure-storage/queue-message-codec';
import type { TaskMessage } from '../../../../src/core';
import { SAMPLE_EVENTS, targetOf } from './event-samples';

const envelope = { activityId: '5a7e6b2c-0000-4000-8000-000000000001', sequenceNumber: 7 };

test.each(SAMPLE_EVENTS.map((event) => [event.type, event] as const))('%s survives encode → decode unchanged', (_, event) => {
  const message: TaskMessage = { instanceId: targetOf(event), executionId: 'e1', event };
  const decoded = decodeQueueMessageText(encodeMessageData(message, envelope).text);
  expect(decoded.message).toEqual(message);
  expect(decoded.sequenceNumber).toBe(7);
});

test('every object carries $type as its first member, Sender excepted (A4.1, C.1)', () => {
  const { text } = encodeMessageData({ instanceId: 'i1', executionId: 'e1', event: SAMPLE_EVENTS[0] }, envelope);
  const check = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object') return;
    const keys = Object.keys(value);
    if (path !== '.Sender') expect([path, keys[0]]).toEqual([path, '$type']);
    for (const [key, member] of Object.entries(value)) check(member, `${path}.${key}`);
  };
  check(JSON.parse(text), '');
});

test('enums are numbers in queue JSON: EventType and OrchestrationStatus (A4.2)', () => {
  const failed = SAMPLE_EVENTS.find((e) => e.type === 'executionCompleted' && e.orchestrationStatus === 'Failed')!;
  const json = JSON.parse(encodeMessageData({ instanceId: 'i1', event: failed }, envelope).text);
  expect(json.TaskMessage.Event).toMatchObject({ EventType: 1, OrchestrationStatus: 3, $type: 'DurableTask.Core.History.ExecutionCompletedEvent' });
  expect(json.TaskMessage.OrchestrationInstance.ExecutionId).toBeNull();
});

test('a client message has an empty Sender; an orchestration names itself (A4.1)', () => {
  const event = SAMPLE_EVENTS.find((e) => e.type === 'eventRaised')!;
  const fromClient = decodeQueueMessageText(encodeMessageData({ instanceId: 'i1', event }, envelope).text);
  expect(fromClient.fromClient).toBe(true);
  const fromOrchestration = decodeQueueMessageText(
    encodeMessageData({ instanceId: 'i1', event }, { ...envelope, sender: { instanceId: 'p', executionId: 'pe' } }).text,
  );
  expect(fromOrchestration).toMatchObject({ fromClient: false, sender: { instanceId: 'p', executionId: 'pe' } });
});

test('reads the DT.AS test fixture (MessageManagerTests.GetMessage), raw and Base64 (A1, A4.1)', () => {
  const fixture =
    '{"$type":"DurableTask.AzureStorage.MessageData","ActivityId":"a3c5b0f4-1111-2222-3333-444455556666","TaskMessage":{"$type":"DurableTask.Core.TaskMessage",' +
    '"Event":{"$type":"DurableTask.Core.History.ExecutionStartedEvent","OrchestrationInstance":{"$type":"DurableTask.Core.OrchestrationInstance",' +
    '"InstanceId":"instance-1","ExecutionId":"aae324dc00000000000000000000000f"},"EventType":0,"ParentInstance":null,"Name":"MyOrchestration","Version":"2.0",' +
    '"Input":"input","Tags":{"$type":"System.Collections.Generic.Dictionary`2[[System.String, mscorlib],[System.String, mscorlib]], mscorlib","tag1":"tagValue"},' +
    '"Correlation":null,"ScheduledStartTime":null,"Generation":0,"EventId":-1,"IsPlayed":false,"Timestamp":"2023-03-24T20:53:05.9093518Z"},' +
    '"SequenceNumber":0,"OrchestrationInstance":{"$type":"DurableTask.Core.OrchestrationInstance","InstanceId":"instance-1","ExecutionId":"aae324dc00000000000000000000000f"}},' +
    '"CompressedBlobName":null,"SequenceNumber":40,"Sender":{"InstanceId":"","ExecutionId":""},"SerializableTraceContext":null}';
  const expected = {
    instanceId: 'instance-1',
    executionId: 'aae324dc00000000000000000000000f',
    event: {
      type: 'executionStarted',
      eventId: -1,
      timestamp: '2023-03-24T20:53:05.9093518Z',
      name: 'MyOrchestration',
      version: '2.0',
      input: 'input',
      orchestrationInstance: { instanceId: 'instance-1', executionId: 'aae324dc00000000000000000000000f' },
      tags: { tag1: 'tagValue' },
    },
  };
  expect(decodeQueueMessageText(fixture)).toMatchObject({ message: expected, sequenceNumber: 40, fromClient: true });
  expect(decodeQueueMessageText(Buffer.from(fixture, 'utf8').toString('base64')).message).toEqual(expected);
});

test('a large-message stub only names its blob (A4.4)', () => {
  const stub = encodeLargeMessageStub('i1/message-abc-ExecutionStarted.json.gz');
  expect(JSON.parse(stub)).toEqual({
    $type: 'DurableTask.AzureStorage.MessageData',
    ActivityId: '00000000-0000-0000-0000-000000000000',
    TaskMessage: null,
    CompressedBlobName: 'i1/message-abc-ExecutionStarted.json.gz',
    SequenceNumber: 0,
    SerializableTraceContext: null,
  });
  expect(decodeQueueMessageText(stub)).toMatchObject({ compressedBlobName: 'i1/message-abc-ExecutionStarted.json.gz' });
  expect(decodeQueueMessageText(stub).message).toBeUndefined();
});

test('entity requests travel as DF "op"/"release" EventRaised messages (protocol §4.3)', () => {
  const called = SAMPLE_EVENTS.find((e) => e.type === 'entityOperationCalled')!;
  const json = JSON.parse(encodeMessageData({ instanceId: '@counter@k1', event: { ...called, eventId: -1 } }, envelope).text);
  expect(json.TaskMessage.Event).toMatchObject({ EventType: 15, Name: 'op' });
  expect(JSON.parse(json.TaskMessage.Event.Input)).toEqual({ op: 'get', id: 'r2', parent: 'i1', parentExecution: 'e1' });
});

test('a request written by Durable Functions itself (no marker) is read as the entity event it is', () => {
  const text = JSON.stringify({
    $type: 'DurableTask.AzureStorage.MessageData',
    TaskMessage: {
      Event: { EventType: 15, EventId: -1, Timestamp: '2024-01-01T00:00:00Z', Name: 'op', Input: '{"op":"add","signal":true,"input":"1","id":"g1"}' },
      OrchestrationInstance: { InstanceId: '@counter@k', ExecutionId: null },
    },
    Sender: { InstanceId: 'orch', ExecutionId: 'x' },
  });
  expect(decodeQueueMessageText(text).message?.event).toEqual({
    type: 'entityOperationSignaled',
    eventId: -1,
    timestamp: '2024-01-01T00:00:00Z',
    requestId: 'g1',
    operation: 'add',
    input: '1',
    targetInstanceId: '@counter@k',
  });
});

test.each([
  ['not JSON or Base64', '%%%'],
  ['no TaskMessage', '{"$type":"DurableTask.AzureStorage.MessageData","TaskMessage":null}'],
  ['an unknown event type', '{"TaskMessage":{"Event":{"EventType":99},"OrchestrationInstance":{"InstanceId":"i"}}}'],
])('a body with %s is rejected with UnreadableQueueMessageError', (_, text) => {
  expect(() => decodeQueueMessageText(text)).toThrow(UnreadableQueueMessageError);
});
