// Which dequeued messages an instance's work item may contain. A DT.AS commit is not atomic (messages are sent
// before history is written, a client enqueues a start before it writes the Instances row), so a message can
// arrive before the state it refers to is visible. Such a message is deferred (made visible again a little
// later) or, when it can never become valid, discarded (specs/backends.md A8.1, A8.3).

import { requestKey, responseKey, type HistoryEvent, type InstanceRecord, type TaskMessage } from '../../core';

export type Admission = { verdict: 'accept' } | { verdict: 'defer' | 'discard'; reason: string };

export interface AdmissionContext {
  record?: InstanceRecord;
  /** Committed history of the current execution. */
  history: readonly HistoryEvent[];
  /** How often the message has been received, this time included. */
  dequeueCount: number;
  /** From this many receives on, a message that is still not valid is discarded. */
  maxDequeueCount: number;
  /** True when a client sent the message (DT.AS envelope `Sender` is empty), not an orchestration. */
  fromClient: boolean;
  /** When this process purged the instance (epoch ms), if it did lately. */
  purgedAt?: number;
}

/**
 * A8.3: an instance with no history gets responses through after this many receives, for the engine to drop.
 * DT.AS waits for 5; the race it covers lasts milliseconds, so two deferrals (1 s, then 2 s) are plenty.
 */
const OUT_OF_ORDER_GRACE_DEQUEUES = 2;

const ACCEPT: Admission = { verdict: 'accept' };

export function admitMessage(message: TaskMessage, context: AdmissionContext): Admission {
  const event = message.event;
  // A purge removes the instance's inbox: what was sent to it before is gone with it. A new start is not.
  if (context.purgedAt !== undefined && event.type !== 'executionStarted' && Date.parse(event.timestamp) <= context.purgedAt) {
    return { verdict: 'discard', reason: 'it was sent before the instance was purged' };
  }
  if (event.type === 'executionStarted' && context.fromClient) return admitClientStart(event.orchestrationInstance.executionId, event.timestamp, context);
  const key = responseKey(event);
  if (key === undefined) return ACCEPT;
  // A response for an older execution is the engine's to drop.
  if (message.executionId && context.record && message.executionId !== context.record.executionId) return ACCEPT;
  if (context.history.some((past) => requestKey(past) === key || sentAsEvent(past, key))) return ACCEPT;
  if (context.history.length === 0 && context.dequeueCount > OUT_OF_ORDER_GRACE_DEQUEUES) return ACCEPT;
  if (context.dequeueCount >= context.maxDequeueCount) {
    return { verdict: 'discard', reason: `its request (${key}) never appeared in the history` };
  }
  return { verdict: 'defer', reason: `its request (${key}) is not in the committed history yet` };
}

/**
 * A8.1: a client start is valid once the Instances row carries its execution id. A row written at or after the
 * message with another execution id means this start lost a race to another one.
 */
function admitClientStart(executionId: string, sentAt: string, context: AdmissionContext): Admission {
  const record = context.record;
  if (record?.executionId === executionId) return ACCEPT;
  if (record && Date.parse(record.createdAt) >= Date.parse(sentAt)) {
    return { verdict: 'discard', reason: `a later start (execution ${record.executionId}) replaced it` };
  }
  if (context.dequeueCount >= context.maxDequeueCount) {
    return { verdict: 'discard', reason: `no Instances row for execution ${executionId} appeared (the start that sent it failed)` };
  }
  return { verdict: 'defer', reason: `the Instances row of execution ${executionId} is not written yet` };
}

/** DF records entity calls and lock requests as EventSent whose input carries the request id. */
function sentAsEvent(past: HistoryEvent, key: string): boolean {
  if (past.type !== 'eventSent' || !(key.startsWith('request:') || key.startsWith('lock:'))) return false;
  return past.input?.includes(key.slice(key.indexOf(':') + 1)) ?? false;
}

/** A8.1 deferrals back off like DT.AS abandons (2^n s), capped low because the wait is usually milliseconds. */
export function deferDelayMs(dequeueCount: number): number {
  return Math.min(2 ** Math.max(0, dequeueCount - 1), 60) * 1000;
}
