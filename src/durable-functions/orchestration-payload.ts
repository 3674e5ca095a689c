// The orchestrationTrigger input the library expects (specs/durable-functions-protocol.md §2.1).

import type { EventOf } from '../core';
import type { JsHistoryEvent } from './history-rendering';
import { decodePayload } from './json-payload';

export interface OrchestrationTriggerInput {
  history: JsHistoryEvent[];
  /** A JSON value, not JSON text: `context.df.getInput()` returns it verbatim. */
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/** §2.1: `1` for back-compat and `3` (V4) as the real maximum, which enables `context.df.lock`. */
export const UPPER_SCHEMA_VERSION = 1;
export const UPPER_SCHEMA_VERSION_NEW = 3;

/**
 * §8 option (a): a maximum "short" timer of 10,000 years means the library never splits a timer, so every timer is
 * one id and one TimerFired. The interval must still be non-empty for schema ≥ V3.
 */
export const MAXIMUM_SHORT_TIMER_DURATION = '3650000.00:00:00';
export const LONG_RUNNING_TIMER_INTERVAL_DURATION = '3.00:00:00';

/** .NET's `HttpOptions.DefaultAsyncRequestSleepTimeMilliseconds`. */
export const DEFAULT_HTTP_ASYNC_SLEEP_MS = 30_000;

/**
 * The trigger input. Its `history` is rendered only if read: a worker that sends the payload as JSON takes
 * `orchestrationTriggerJson` instead, built from each event's cached text (history-json.ts).
 */
export function orchestrationTriggerInput(
  instanceId: string,
  started: EventOf<'executionStarted'>,
  history: () => JsHistoryEvent[],
  historyJson: () => string,
): OrchestrationTriggerInput {
  const input = decodePayload(started.input);
  const rest = {
    input: input === undefined ? null : input,
    instanceId,
    isReplaying: false,
    parentInstanceId: started.parentInstance?.instanceId ?? null,
    upperSchemaVersion: UPPER_SCHEMA_VERSION,
    upperSchemaVersionNew: UPPER_SCHEMA_VERSION_NEW,
    longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL_DURATION,
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER_DURATION,
    defaultHttpAsyncRequestSleepTimeMillseconds: DEFAULT_HTTP_ASYNC_SLEEP_MS,
  };
  let rendered: JsHistoryEvent[] | undefined;
  const payload: OrchestrationTriggerInput = {
    get history() {
      return (rendered ??= history());
    },
    set history(value) {
      rendered = value;
    },
    ...rest,
  };
  // The same text JSON.stringify(payload) gives (history first), without rendering the history as objects.
  triggerJson.set(payload, () => (rendered ? JSON.stringify(payload) : `{"history":${historyJson()},${JSON.stringify(rest).slice(1)}`));
  return payload;
}

const triggerJson = new WeakMap<OrchestrationTriggerInput, () => string>();

/** `JSON.stringify(triggerInput)`, cheaper for a payload made by orchestrationTriggerInput. */
export function orchestrationTriggerJson(triggerInput: OrchestrationTriggerInput): string {
  return triggerJson.get(triggerInput)?.() ?? JSON.stringify(triggerInput);
}
