// The DT.AS 2.x queue message: a `MessageData` envelope around a DurableTask.Core `TaskMessage`, serialized the
// way Newtonsoft does with TypeNameHandling.Objects (specs/backends.md A4.1–A4.3). We write raw JSON (the
// 2.x default) and read both raw JSON and Base64 (DT.AS 1.x).

import { DurableRuntimeError, RUNTIME_STATUSES, type RuntimeStatus, type TaskMessage } from '../../core';
import { DOTNET_TYPES, stripTypeNames, type DotNetObject } from './dotnet-json';
import {
  DT_EVENT_TYPES,
  orchestrationInstanceObject,
  readHistoryEvent,
  writeHistoryEvent,
  type DtEventType,
  type DtFieldReader,
  type DtFieldWriter,
} from './history-event-fields';

/** The envelope members that are not the task message itself. */
export interface MessageEnvelope {
  /** GUID with dashes; also part of a large message's blob name. */
  activityId: string;
  /** Per-process counter; a tie-breaker when ordering a batch (A4.5). */
  sequenceNumber: number;
  /** Set on a stub whose real message is in a blob (A4.4). */
  compressedBlobName?: string;
  /** The orchestration that sent the message; absent (written as empty ids) for clients (A4.1 `Sender`). */
  sender?: { instanceId: string; executionId: string };
  /**
   * Not in DT.AS: when a delay exceeds what one queue visibility allows, the time the message is due; the
   * reader puts it back until then (A11).
   */
  dueTime?: string;
}

export interface DecodedMessageData extends MessageEnvelope {
  /** Absent on a large-message stub. */
  message?: TaskMessage;
  /** The envelope says a client sent it (`Sender` with an empty instance id). */
  fromClient: boolean;
  /** The DT.Core event type name, for logs and blob names. */
  eventType?: DtEventType;
}

/** Thrown for a queue message that is not a DT.AS message; it is parked, not retried. */
export class UnreadableQueueMessageError extends DurableRuntimeError {
  constructor(detail: string) {
    super(`Unreadable task hub queue message: ${detail}`);
  }
}

/** Serializes a message; `eventType` names the DT.Core event class (for a large message's blob name). */
export function encodeMessageData(message: TaskMessage, envelope: MessageEnvelope): { text: string; eventType: DtEventType } {
  const event = eventObject(message);
  const messageData: DotNetObject = {
    $type: DOTNET_TYPES.messageData,
    ActivityId: envelope.activityId,
    TaskMessage: {
      $type: DOTNET_TYPES.taskMessage,
      Event: event,
      SequenceNumber: 0,
      OrchestrationInstance: orchestrationInstanceObject(message.instanceId, message.executionId),
    },
    CompressedBlobName: null,
    SequenceNumber: envelope.sequenceNumber,
    Sender: { InstanceId: envelope.sender?.instanceId ?? '', ExecutionId: envelope.sender?.executionId ?? '' },
    SerializableTraceContext: null,
  };
  if (envelope.dueTime) messageData.DueTime = envelope.dueTime;
  return { text: JSON.stringify(messageData), eventType: DT_EVENT_TYPES[event.EventType as number] };
}

/** The stub enqueued in place of a message stored in a blob (A4.4). */
export function encodeLargeMessageStub(blobName: string): string {
  return JSON.stringify({
    $type: DOTNET_TYPES.messageData,
    ActivityId: '00000000-0000-0000-0000-000000000000',
    TaskMessage: null,
    CompressedBlobName: blobName,
    SequenceNumber: 0,
    SerializableTraceContext: null,
  });
}

/** Decodes a queue message body: raw JSON if it starts with `{`, Base64 of UTF-8 JSON otherwise (A1). */
export function decodeQueueMessageText(text: string): DecodedMessageData {
  const trimmed = text.trimStart();
  const json = trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new UnreadableQueueMessageError(`the body is neither JSON nor Base64 of JSON: ${text.slice(0, 120)}`);
  }
  if (data === null || typeof data !== 'object') throw new UnreadableQueueMessageError('the body is not a JSON object');
  const sender = data.Sender as { InstanceId?: unknown; ExecutionId?: unknown } | null | undefined;
  const envelope: DecodedMessageData = {
    activityId: typeof data.ActivityId === 'string' ? data.ActivityId : '',
    sequenceNumber: typeof data.SequenceNumber === 'number' ? data.SequenceNumber : 0,
    fromClient: sender?.InstanceId === '',
  };
  if (typeof sender?.InstanceId === 'string' && sender.InstanceId !== '') {
    envelope.sender = { instanceId: sender.InstanceId, executionId: typeof sender.ExecutionId === 'string' ? sender.ExecutionId : '' };
  }
  if (typeof data.CompressedBlobName === 'string' && data.CompressedBlobName !== '') {
    envelope.compressedBlobName = data.CompressedBlobName;
    return envelope;
  }
  if (typeof data.DueTime === 'string') envelope.dueTime = data.DueTime;
  const taskMessage = data.TaskMessage as { Event?: Record<string, unknown>; OrchestrationInstance?: Record<string, unknown> } | null;
  if (!taskMessage?.Event || !taskMessage.OrchestrationInstance) {
    throw new UnreadableQueueMessageError('it has no TaskMessage with an Event and an OrchestrationInstance');
  }
  const instanceId = taskMessage.OrchestrationInstance.InstanceId;
  if (typeof instanceId !== 'string') throw new UnreadableQueueMessageError('its OrchestrationInstance has no InstanceId');
  const executionId = taskMessage.OrchestrationInstance.ExecutionId;
  const reader = new JsonFieldReader(taskMessage.Event);
  envelope.eventType = reader.eventType();
  const event = readHistoryEvent(reader, instanceId);
  envelope.message = typeof executionId === 'string' ? { instanceId, executionId, event } : { instanceId, event };
  return envelope;
}

function eventObject(message: TaskMessage): DotNetObject {
  const writer = new JsonFieldWriter();
  writeHistoryEvent(message.event, writer);
  return writer.result;
}

/** Writes fields into a Newtonsoft-shaped object: numeric enums, nested `$type` objects (A4.2). */
class JsonFieldWriter implements DtFieldWriter {
  result: DotNetObject = { $type: '' };

  eventType(type: DtEventType): void {
    this.result.$type = `${DOTNET_TYPES.historyEventPrefix}${type}Event`;
    this.result.EventType = DT_EVENT_TYPES.indexOf(type);
  }
  string(name: string, value: string | undefined): void {
    this.result[name] = value ?? null;
  }
  int(name: string, value: number): void {
    this.result[name] = value;
  }
  bool(name: string, value: boolean): void {
    this.result[name] = value;
  }
  date(name: string, value: string | undefined): void {
    this.result[name] = value ?? null;
  }
  object(name: string, value: DotNetObject | null): void {
    this.result[name] = value;
  }
  status(name: string, value: RuntimeStatus): void {
    this.result[name] = RUNTIME_STATUSES.indexOf(value);
  }
}

class JsonFieldReader implements DtFieldReader {
  constructor(private readonly json: Record<string, unknown>) {}

  eventType(): DtEventType {
    const value = this.json.EventType;
    const type = typeof value === 'number' ? DT_EVENT_TYPES[value] : DT_EVENT_TYPES.find((t) => t === value);
    if (!type) throw new UnreadableQueueMessageError(`unknown EventType ${JSON.stringify(value)}`);
    return type;
  }
  string(name: string): string | undefined {
    const value = this.json[name];
    return typeof value === 'string' ? value : undefined;
  }
  int(name: string): number | undefined {
    const value = this.json[name];
    return typeof value === 'number' ? value : undefined;
  }
  bool(name: string): boolean | undefined {
    const value = this.json[name];
    return typeof value === 'boolean' ? value : undefined;
  }
  date(name: string): string | undefined {
    const value = this.json[name];
    return typeof value === 'string' ? value : undefined;
  }
  object<T>(name: string): T | undefined {
    const value = this.json[name];
    return value !== null && typeof value === 'object' ? stripTypeNames(value as T) : undefined;
  }
  status(name: string): RuntimeStatus | undefined {
    const value = this.json[name];
    if (typeof value === 'number') return RUNTIME_STATUSES[value];
    return RUNTIME_STATUSES.find((s) => s === value);
  }
}
