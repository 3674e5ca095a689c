// One orchestrator episode: render the history, run the user's generator through the library, and turn the
// cumulative action list it returns into the new core actions, with exactly the ids the library expects
// (specs/durable-functions-protocol.md §2, §3). Stateless: everything is derived from the work item.

import { MAX_CUSTOM_STATUS_BYTES, type CompleteOrchestrationAction, type OrchestratorAction, type OrchestratorResult, type OrchestratorWorkItem } from '../core';
import { flattenActions, isFireAndForget, type FlattenedActions, type Slot } from './action-slots';
import { dynamicAction, slotAction, type ActionContext } from './action-translation';
import { segmentStates, type SegmentState } from './episode-segments';
import { NonDeterministicOrchestrationError, OrchestratorProtocolError } from './errors';
import { orchestratorFailureMessage } from './failure-text';
import { forgetRenderedEvents } from './history-json';
import { renderEvent } from './history-rendering';
import { IdLedger } from './id-ledger';
import { encodePayload } from './json-payload';
import { readOutcome, type OrchestratorOutcome } from './library-state';
import type { DeterminismContext } from './nondeterminism';
import { orchestrationTriggerInput, type OrchestrationTriggerInput } from './orchestration-payload';
import { ReplayHistory } from './replay-history';
import type { DynamicRequest, FailureTextOf } from './retry-chains';

export interface EpisodeOptions {
  /** .NET `MaxOrchestrationActions`: sequence numbers one execution may use (default 100,000, §9.8). */
  maxOrchestrationActions?: number;
  /** Request ids for entity calls and signals (default: random GUIDs). */
  newRequestId?: () => string;
}

/** Runs the user's orchestrator function: the trigger input in, its return value out (a throw rejects). */
export type OrchestratorInvoker = (triggerInput: OrchestrationTriggerInput) => Promise<unknown>;

export const DEFAULT_MAX_ORCHESTRATION_ACTIONS = 100_000;

export async function runOrchestratorEpisode(
  item: OrchestratorWorkItem,
  invoke: OrchestratorInvoker,
  options: EpisodeOptions = {},
): Promise<OrchestratorResult> {
  const history = new ReplayHistory(item);
  const name = history.started.name;
  const run = (newCount?: number, replayOnly?: boolean) =>
    readOutcome(() =>
      invoke(
        orchestrationTriggerInput(
          item.instanceId,
          history.started,
          () => history.render(newCount, replayOnly),
          () => history.renderJson(newCount, replayOnly),
        ),
      ),
    );

  const outcome = await run();
  let ending: EpisodeEnding;
  try {
    const plan = await planEpisode(item, history, outcome, run, options);
    ending = endEpisode(name, outcome, plan, options.maxOrchestrationActions ?? DEFAULT_MAX_ORCHESTRATION_ACTIONS);
  } catch (error) {
    if (!(error instanceof NonDeterministicOrchestrationError || error instanceof OrchestratorProtocolError)) throw error;
    ending = { actions: [failure(name, error.message, history.nextSequenceNumber, error.name)] };
  }
  // An execution that ends here has no further episodes (a new one after continueAsNew has its own id).
  if (ending.actions.some((action) => action.type === 'completeOrchestration')) forgetRenderedEvents(history.renderContext);
  return {
    instanceId: item.instanceId,
    actions: ending.actions,
    ...(ending.customStatus !== undefined && { customStatus: ending.customStatus }),
    completionToken: item.completionToken,
  };
}

interface EpisodeEnding {
  actions: OrchestratorAction[];
  customStatus?: string;
}

/** Completes, continues or fails the orchestration, or keeps it running with this episode's new actions (§3.5 step 4). */
function endEpisode(name: string, outcome: OrchestratorOutcome, plan: EpisodePlan, maxActions: number): EpisodeEnding {
  // §3.2, §9.11: when the orchestration ends here, only the fire-and-forget actions (signals, releases) still go out.
  const fireAndForget = plan.statics.filter((entry) => isFireAndForget(entry.slot)).map((entry) => entry.action);
  const end = (completion: CompleteOrchestrationAction, customStatus?: string): EpisodeEnding => ({ actions: [...fireAndForget, completion], customStatus });
  const fail = (error: string, customStatus?: string) => end(failure(name, error, plan.nextId), customStatus);

  if (plan.nextId > maxActions) {
    return fail(`The orchestration scheduled ${plan.nextId} actions, more than the maximum of ${maxActions} (.NET MaxOrchestrationActions). Split the work into sub-orchestrations or use continueAsNew.`);
  }
  const status = customStatusJson(outcome.customStatus);
  if ('error' in status) return fail(status.error);
  if (outcome.error !== undefined) return fail(outcome.error, status.json);
  if (outcome.isDone) {
    if (plan.continueAsNew) {
      return end({ type: 'completeOrchestration', id: plan.nextId, orchestrationStatus: 'ContinuedAsNew', result: plan.continueAsNew.input }, status.json);
    }
    let output: string | undefined;
    try {
      output = encodePayload(outcome.output);
    } catch (error) {
      return fail(`The orchestrator's return value cannot be serialized to JSON: ${(error as Error).message}`, status.json);
    }
    return end({ type: 'completeOrchestration', id: plan.nextId, orchestrationStatus: 'Completed', result: output ?? 'null' }, status.json);
  }
  // Dynamic ids go first: IdLedger.fromPast relies on this order to replay the past exactly.
  return { actions: [...plan.dynamic, ...plan.statics.map((entry) => entry.action)], customStatus: status.json };
}

interface EpisodePlan {
  dynamic: OrchestratorAction[];
  statics: { slot: Slot; action: OrchestratorAction }[];
  nextId: number;
  /** The continueAsNew the code asked for, if any. */
  continueAsNew?: FlattenedActions['continueAsNew'];
}

/**
 * Allocates this episode's ids (§3.4.3): the library allocates a dynamic id while it processes its trigger event and
 * static ids as user code yields, so each trigger's id goes after the static ids of what was yielded before it.
 */
async function planEpisode(
  item: OrchestratorWorkItem,
  history: ReplayHistory,
  outcome: OrchestratorOutcome,
  run: (newCount?: number, replayOnly?: boolean) => Promise<OrchestratorOutcome>,
  options: EpisodeOptions,
): Promise<EpisodePlan> {
  const context: DeterminismContext = { orchestrationName: history.started.name, instanceId: item.instanceId };
  const { slots, continueAsNew } = flattenActions(outcome.actions);
  const failureText: FailureTextOf = (event) => {
    const js = renderEvent(event, true, history.renderContext);
    return { reason: String(js?.Reason), details: String(js?.Details) };
  };
  const ledger = IdLedger.fromPast(history, slots, failureText, context);
  // A failing orchestrator stops replaying where it threw, so only a completed replay can prove the list shrank.
  if (outcome.error === undefined) {
    const shrink = ledger.shrinkError(context, slots.length);
    if (shrink) throw shrink;
  }

  const triggers: { position: number; request: DynamicRequest }[] = [];
  history.newEvents.forEach((event, position) => {
    const request = ledger.chains.observe(event, history.episodeTime, failureText);
    if (request) triggers.push({ position, request });
  });

  const actionContext: ActionContext = {
    instanceId: item.instanceId,
    executionId: item.executionId,
    parentInstanceId: history.started.parentInstance?.instanceId,
    episodeTime: history.episodeTime,
    newRequestId: options.newRequestId,
  };
  const stateOf = (o: OrchestratorOutcome): SegmentState => ({ reached: flattenActions(o.actions).slots.length, final: isFinal(o) });
  const before: SegmentState = { reached: ledger.staticCount, final: false };
  const after: SegmentState = { reached: slots.length, final: isFinal(outcome) };
  const states = await segmentStates(history.newEvents, triggers.map((t) => t.position), before, after, async (newCount) => {
    const state = stateOf(await run(newCount, true));
    if (state.reached > after.reached || (state.final && !after.final)) throw replayDiverged(context);
    return state;
  });

  const plan: EpisodePlan = { dynamic: [], statics: [], nextId: 0, continueAsNew };
  for (let k = 0; k < states.length; k++) {
    if (k > 0) {
      const { request } = triggers[k - 1];
      plan.dynamic.push(dynamicAction(request, ledger.allocateDynamic(request), actionContext));
    }
    while (ledger.staticCount < states[k].reached) {
      const slot = slots[ledger.staticCount];
      plan.statics.push({ slot, action: slotAction(slot, ledger.allocateStatic(slot, history.episodeTime), actionContext) });
    }
    // The library stops processing events once the orchestration ends: later triggers allocate nothing.
    if (states[k].final) break;
  }
  plan.nextId = ledger.nextId;
  return plan;
}

function replayDiverged(context: DeterminismContext): NonDeterministicOrchestrationError {
  return new NonDeterministicOrchestrationError(
    `Non-Deterministic workflow detected in orchestration '${context.orchestrationName}' (instance '${context.instanceId}'): replaying the same history twice produced different actions. Orchestrator code must not depend on anything but its input, its history and the context's APIs.`,
  );
}

function isFinal(outcome: OrchestratorOutcome): boolean {
  return outcome.isDone || outcome.error !== undefined;
}

/** §3.1: dropped when falsy; §9.8: at most 16 KB of UTF-16. */
function customStatusJson(value: unknown): { json?: string } | { error: string } {
  if (!value) return {};
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return { error: `The custom status cannot be serialized to JSON: ${(error as Error).message}` };
  }
  const bytes = json.length * 2;
  if (bytes > MAX_CUSTOM_STATUS_BYTES) {
    return {
      error: `The UTF-16 size of the JSON-serialized custom status must not exceed 16 KB, but it is ${(bytes / 1024).toFixed(1)} KB. Keep setCustomStatus values small and store large data elsewhere.`,
    };
  }
  return { json };
}

function failure(name: string, error: string, id: number, errorType = 'Error'): CompleteOrchestrationAction {
  const message = orchestratorFailureMessage(name, error);
  return {
    type: 'completeOrchestration',
    id,
    orchestrationStatus: 'Failed',
    result: JSON.stringify(message),
    failureDetails: { errorType, errorMessage: error },
  };
}
