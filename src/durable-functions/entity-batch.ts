// Entity batches: our EntityWorkItem as the library's entityTrigger input, and its EntityState back as an
// EntityBatchResult (specs/durable-functions-protocol.md §4.1–4.2).

import {
  failureFromError,
  parseSchedulerId,
  toSchedulerId,
  type EntityAction,
  type EntityBatchResult,
  type EntityOperationResult,
  type EntityWorkItem,
  type FailureDetails,
} from '../core';

export interface EntityTriggerInput {
  /** The name as in the scheduler id (lower-cased, as .NET's EntityId has it). */
  self: { name: string; key: string };
  exists: boolean;
  /** JSON text of the state, or null. */
  state: string | null;
  batch: { name: string; input: string | null; isSignal: boolean }[];
}

export function buildEntityTriggerInput(item: EntityWorkItem): EntityTriggerInput {
  return {
    self: parseSchedulerId(item.instanceId),
    exists: item.entityState !== undefined,
    state: item.entityState ?? null,
    batch: item.operations.map((operation) => ({ name: operation.operation, input: operation.input ?? null, isSignal: operation.isSignal })),
  };
}

interface LibraryOperationResult {
  isError?: boolean;
  result?: string;
}
interface LibrarySignal {
  target?: { name?: string; key?: string };
  name?: string;
  input?: string;
}
interface LibraryEntityState {
  results?: LibraryOperationResult[];
  signals?: LibrarySignal[];
  entityExists?: boolean;
  entityState?: string;
}

/**
 * Translates the batch outcome. A failed invocation (throw, timeout, missing function) or a result that does not line
 * up with the batch fails every operation and keeps the previous state, as .NET does (§4.2 host duty 4).
 */
export function entityBatchResult(item: EntityWorkItem, outcome: { value: unknown } | { error: unknown }): EntityBatchResult {
  const keep = (reason: string): EntityBatchResult => ({
    instanceId: item.instanceId,
    results: item.operations.map(() => ({ failureDetails: { errorType: 'EntityBatchFailed', errorMessage: reason } })),
    actions: [],
    entityState: item.entityState,
    completionToken: item.completionToken,
  });
  if ('error' in outcome) {
    return keep(`The entity function '${parseSchedulerId(item.instanceId).name}' failed: ${failureFromError(outcome.error).errorMessage}`);
  }
  const state = outcome.value as LibraryEntityState | undefined;
  if (typeof state !== 'object' || state === null || !Array.isArray(state.results)) {
    return keep('The entity function returned no entity state; register entities with df.app.entity(name, (context) => { … }).');
  }
  if (state.results.length !== item.operations.length) {
    return keep(
      `The entity function returned ${state.results.length} results for ${item.operations.length} operations; call context.df.return at most once per operation.`,
    );
  }
  let actions: EntityAction[];
  try {
    actions = (state.signals ?? []).map(signalAction);
  } catch (error) {
    return keep((error as Error).message);
  }
  return {
    instanceId: item.instanceId,
    results: state.results.map((result, index) => operationResult(result, item.operations[index].operation)),
    actions,
    // `destructOnExit()` clears entityExists: the entity is deleted (§4.2).
    entityState: state.entityExists ? state.entityState ?? undefined : undefined,
    completionToken: item.completionToken,
  };
}

function operationResult(result: LibraryOperationResult | undefined, operation: string): EntityOperationResult {
  if (!result?.isError) return { result: result?.result ?? undefined };
  return { failureDetails: operationFailure(result.result, operation) };
}

/**
 * §4.2 quirk: the library records a thrown value as `JSON.stringify(error)`, which is "{}" for an Error, so its
 * message is lost. A thrown string keeps its text; other values keep their JSON.
 */
function operationFailure(serialized: string | undefined, operation: string): FailureDetails {
  if (serialized === undefined || serialized === '{}') {
    return {
      errorType: 'Error',
      errorMessage: `The entity operation '${operation}' threw an error; durable-functions serializes thrown Errors as "{}", so the message is not available.`,
    };
  }
  let value: unknown = serialized;
  try {
    value = JSON.parse(serialized);
  } catch {
    // keep the raw text
  }
  return { errorType: 'Error', errorMessage: typeof value === 'string' ? value : serialized };
}

// §4.2: signal targets keep the user's casing; the scheduler id lower-cases the name. Input is JSON text or "".
function signalAction(signal: LibrarySignal): EntityAction {
  const { name, key } = signal.target ?? {};
  if (!name || !key || !signal.name) {
    throw new Error(`The entity function signalled ${JSON.stringify(signal)}; signalEntity needs an EntityId with a name and key, and an operation name.`);
  }
  return { type: 'sendSignal', instanceId: toSchedulerId({ name, key }), name: signal.name, input: signal.input || undefined };
}
