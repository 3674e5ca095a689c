// Core entity events ⇄ the messages Durable Functions' own entity scheduler sends over DT.AS: requests are
// EventRaised "op" (or "op@<due time>") with a RequestMessage JSON input, releases are "release", responses are
// EventRaised named by the request id with a ResponseMessage JSON input
// (specs/durable-functions-protocol.md §4.3; ext EntityScheduler/RequestMessage.cs, ResponseMessage.cs).

import { parseSchedulerId, toSchedulerId, type EventOf, type HistoryEvent } from '../../core';
import { failureFromJson, failureObject, stripTypeNames, type FailureJson } from './dotnet-json';
import { withoutUndefined } from './without-undefined';

const ENTITY_EVENT_TYPES = [
  'entityOperationSignaled',
  'entityOperationCalled',
  'entityOperationCompleted',
  'entityOperationFailed',
  'entityLockRequested',
  'entityLockGranted',
  'entityUnlockSent',
] as const;
export type EntityEventType = (typeof ENTITY_EVENT_TYPES)[number];
export type EntityEvent = EventOf<EntityEventType>;

export function isEntityEvent(event: HistoryEvent): event is EntityEvent {
  return (ENTITY_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** DF's RequestMessage JSON (property names from the extension's [JsonProperty] attributes). */
export interface RequestMessageJson {
  op?: string | null;
  signal?: boolean;
  input?: string;
  id: string;
  parent?: string;
  parentExecution?: string;
  lockset?: { name: string; key: string }[];
  pos?: number;
}

interface ResponseMessageJson {
  result?: string | null;
  exceptionType?: string;
  failureDetails?: FailureJson;
}

export const LOCK_GRANTED_RESULT = 'Lock Acquisition Completed';
const OPERATION_EVENT = 'op';
const RELEASE_EVENT = 'release';

export interface EncodedEntityEvent {
  /** The EventRaised/EventSent name. */
  name: string;
  /** The RequestMessage/ResponseMessage JSON. */
  input: string;
  /** The entity a request goes to (absent for responses, which go to orchestrations). */
  target?: string;
}

export function encodeEntityEvent(event: EntityEvent): EncodedEntityEvent {
  switch (event.type) {
    case 'entityOperationSignaled':
    case 'entityOperationCalled':
      return {
        name: operationEventName(event.scheduledTime),
        input: JSON.stringify(requestOf(event)),
        target: event.targetInstanceId,
      };
    case 'entityLockRequested':
      return { name: OPERATION_EVENT, input: JSON.stringify(requestOf(event)), target: event.lockSet[event.position] };
    case 'entityUnlockSent':
      return {
        name: RELEASE_EVENT,
        input: JSON.stringify({ parent: event.parentInstanceId, id: event.criticalSectionId }),
        target: event.targetInstanceId,
      };
    case 'entityOperationCompleted':
      return { name: event.requestId, input: JSON.stringify({ result: event.output ?? null } satisfies ResponseMessageJson) };
    case 'entityOperationFailed':
      return {
        name: event.requestId,
        input: JSON.stringify({
          result: JSON.stringify(event.failureDetails.errorMessage),
          exceptionType: event.failureDetails.errorType,
          failureDetails: stripTypeNames(failureObject(event.failureDetails)) as FailureJson,
        } satisfies ResponseMessageJson),
      };
    case 'entityLockGranted':
      return { name: event.criticalSectionId, input: JSON.stringify({ result: LOCK_GRANTED_RESULT } satisfies ResponseMessageJson) };
  }
}

/** A request as DF stores it (in messages and in an entity's persisted queue). */
export function requestOf(
  event: EventOf<'entityOperationSignaled' | 'entityOperationCalled' | 'entityLockRequested'>,
): RequestMessageJson {
  switch (event.type) {
    case 'entityOperationSignaled':
      return withoutUndefined({ op: event.operation, signal: true, input: event.input, id: event.requestId });
    case 'entityOperationCalled':
      return withoutUndefined({
        op: event.operation,
        input: event.input,
        id: event.requestId,
        parent: event.parentInstanceId,
        parentExecution: event.parentExecutionId,
      });
    case 'entityLockRequested':
      return {
        id: event.criticalSectionId,
        parent: event.parentInstanceId,
        lockset: event.lockSet.map((id) => parseSchedulerId(id)),
        pos: event.position,
      };
  }
}

/**
 * Reads an entity event. `marker` is the core type we wrote; without it (a message from DF itself) the
 * request kind is recognized from the event name and the RequestMessage members.
 */
export function decodeEntityEvent(
  encoded: { name: string; input: string | undefined; target: string },
  marker: EntityEventType | undefined,
  base: { eventId: number; timestamp: string },
): EntityEvent {
  const json = parseJson(encoded.input, encoded.name) as RequestMessageJson & ResponseMessageJson & { parent?: string; id?: string };
  switch (marker) {
    case 'entityOperationCompleted':
      return withoutUndefined({ type: marker, ...base, requestId: encoded.name, output: json.result ?? undefined });
    case 'entityOperationFailed':
      return {
        type: marker,
        ...base,
        requestId: encoded.name,
        failureDetails: failureFromJson(json.failureDetails) ?? {
          errorType: json.exceptionType ?? 'Error',
          errorMessage: typeof json.result === 'string' ? String(parseJson(json.result, encoded.name)) : '',
        },
      };
    case 'entityLockGranted':
      return { type: marker, ...base, criticalSectionId: encoded.name };
    default:
      return requestFromJson(encoded.name, json, encoded.target, base);
  }
}

/** A request read back from DF's RequestMessage JSON; `target` is the entity it is addressed to. */
export function requestFromJson(
  eventName: string,
  json: RequestMessageJson,
  target: string,
  base: { eventId: number; timestamp: string },
): EntityEvent {
  if (eventName === RELEASE_EVENT) {
    return { type: 'entityUnlockSent', ...base, criticalSectionId: json.id, parentInstanceId: json.parent ?? '', targetInstanceId: target };
  }
  if (json.lockset) {
    return {
      type: 'entityLockRequested',
      ...base,
      criticalSectionId: json.id,
      lockSet: json.lockset.map((entity) => toSchedulerId(entity)),
      position: json.pos ?? 0,
      parentInstanceId: json.parent ?? '',
    };
  }
  const scheduledTime = eventName.startsWith(`${OPERATION_EVENT}@`) ? eventName.slice(OPERATION_EVENT.length + 1) : undefined;
  if (json.signal) {
    return withoutUndefined({
      type: 'entityOperationSignaled',
      ...base,
      requestId: json.id,
      operation: json.op ?? '',
      input: json.input,
      scheduledTime,
      targetInstanceId: target,
    });
  }
  return withoutUndefined({
    type: 'entityOperationCalled',
    ...base,
    requestId: json.id,
    operation: json.op ?? '',
    input: json.input,
    scheduledTime,
    parentInstanceId: json.parent ?? '',
    parentExecutionId: json.parentExecution ?? '',
    targetInstanceId: target,
  });
}

/** DF names a delayed signal "op@<due time>" (ext EntityMessageEventNames). */
function operationEventName(scheduledTime: string | undefined): string {
  return scheduledTime ? `${OPERATION_EVENT}@${scheduledTime}` : OPERATION_EVENT;
}

function parseJson(text: string | undefined, eventName: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new SyntaxError(`The entity message '${eventName}' does not carry valid JSON: ${text?.slice(0, 200)}`);
  }
}
