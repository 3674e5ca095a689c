// The JSON durable-functions v3 returns from an orchestrator invocation (specs/durable-functions-protocol.md §3.1–3.3),
// read from either channel: the handler's return value or the `$OutOfProcData$` failure message (§3.2).

import { failureFromError } from '../core';

/** `ActionType` numbers (§3.3). 10 (ScheduledSignalEntity) is never emitted by v3. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export interface LibraryRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action as the library serializes it; which fields are present depends on `actionType`. */
export interface LibraryAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: LibraryRetryOptions;
  instanceId?: string;
  version?: string;
  /** An ISO string after JSON, a Date when the handler's object is handed over in-process. */
  fireAt?: string | Date;
  isCanceled?: boolean;
  externalEventName?: string;
  operation?: string;
  httpRequest?: unknown;
  compoundActions?: LibraryAction[];
  lockRequestId?: string;
  lockSet?: { name: string; key: string }[];
}

/** What one invocation tells us, whichever channel it came through. `error` set means the orchestrator failed. */
export interface OrchestratorOutcome {
  /** The cumulative flat action list (schema ≥ V2 sends `[list]`; V1's per-yield arrays flatten the same way). */
  actions: LibraryAction[];
  isDone: boolean;
  output?: unknown;
  customStatus?: unknown;
  error?: string;
}

const OUT_OF_PROC_DATA = '\n\n$OutOfProcData$:';

/** Runs one invocation and reads its outcome; never throws for user errors, they become `error`. */
export async function readOutcome(invocation: () => Promise<unknown>): Promise<OrchestratorOutcome> {
  let value: unknown;
  try {
    value = await invocation();
  } catch (thrown) {
    return outcomeFromFailure(thrown);
  }
  if (!isStateShape(value)) {
    return {
      actions: [],
      isDone: false,
      error:
        `the function returned ${describeValue(value)} instead of the orchestrator state durable-functions produces; ` +
        'register orchestrators with df.app.orchestration(name, function* (context) { … }).',
    };
  }
  return { actions: flattenOuter(value.actions), isDone: value.isDone === true, output: value.output, customStatus: value.customStatus };
}

// §3.2: the message is "<ignored>\n\n$OutOfProcData$:<state JSON>"; the real message is `state.error`.
function outcomeFromFailure(thrown: unknown): OrchestratorOutcome {
  const message = failureFromError(thrown).errorMessage;
  const marker = message.indexOf(OUT_OF_PROC_DATA);
  if (marker < 0) return { actions: [], isDone: false, error: message };
  let state: unknown;
  try {
    state = JSON.parse(message.slice(marker + OUT_OF_PROC_DATA.length));
  } catch {
    return { actions: [], isDone: false, error: message };
  }
  if (!isStateShape(state)) return { actions: [], isDone: false, error: message };
  const error =
    typeof state.error === 'string' && state.error !== ''
      ? state.error
      : 'the orchestrator threw a value that is not an Error, so durable-functions reported no message; throw an Error instead.';
  return { actions: flattenOuter(state.actions), isDone: false, customStatus: state.customStatus, error };
}

interface StateShape {
  isDone?: unknown;
  actions: unknown[];
  output?: unknown;
  customStatus?: unknown;
  error?: unknown;
}

function isStateShape(value: unknown): value is StateShape {
  return typeof value === 'object' && value !== null && Array.isArray((value as StateShape).actions);
}

/** `actions.flat()`, by a loop: Array.prototype.flat was a measurable share of every episode (issue 18). */
function flattenOuter(actions: unknown[]): LibraryAction[] {
  const flat: LibraryAction[] = [];
  for (const action of actions) {
    if (Array.isArray(action)) for (const inner of action) flat.push(inner as LibraryAction);
    else flat.push(action as LibraryAction);
  }
  return flat;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object without an "actions" list' : `a ${typeof value}`;
}
