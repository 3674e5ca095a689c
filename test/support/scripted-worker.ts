// A tiny worker for task hub tests: it takes work items like a real worker and answers them with results the test
// scripts by hand, so the task hub is tested without the durable-functions adapter or a Functions host.

import type {
  ActivityWorkItem,
  EntityBatchResult,
  EntityOperationResult,
  EntityWorkItem,
  FailureDetails,
  HistoryEvent,
  OrchestratorAction,
  OrchestratorWorkItem,
  WorkItem,
  WorkItemKind,
} from '../../src/core';
import { setMaxListeners } from 'node:events';
import type { TaskHub } from '../../src/taskhub';
import { waitFor as pollFor } from './wait-for';

/** What an orchestrator episode sees: the whole history of its execution, the new part, and its input. */
export interface EpisodeView {
  instanceId: string;
  executionId: string;
  input?: string;
  history: HistoryEvent[];
  newEvents: HistoryEvent[];
}

export type OrchestratorScript = (episode: EpisodeView) => OrchestratorAction[] | { actions: OrchestratorAction[]; customStatus?: string };
/** Returns the serialized result, or throws to fail the activity. */
export type ActivityScript = (input: string | undefined, item: ActivityWorkItem) => string | undefined;
/** One operation: the state before, the operation's name and input; returns the state after and the result. */
export type EntityScript = (state: string | undefined, operation: string, input: string | undefined) => { state?: string; result?: string; signals?: EntityBatchResult['actions'] };

export interface Scripts {
  orchestrators?: Record<string, OrchestratorScript>;
  activities?: Record<string, ActivityScript>;
  entities?: Record<string, EntityScript>;
}

export class ScriptedWorker {
  /** Every work item taken, in order. */
  readonly taken: WorkItem[] = [];
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly hub: TaskHub,
    private readonly scripts: Scripts,
    private readonly kinds: WorkItemKind[] = ['orchestrator', 'activity', 'entity'],
    /** Work items of each kind answered at once. */
    private readonly concurrency = 1,
  ) {}

  start(): this {
    setMaxListeners(0, this.stopping.signal); // one abort listener per loop
    for (const kind of this.kinds) for (let i = 0; i < this.concurrency; i++) this.loops.push(this.loop(kind));
    return this;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  private async loop(kind: WorkItemKind): Promise<void> {
    const kinds = new Set([kind]);
    for (;;) {
      const item = await this.hub.nextWorkItem(kinds, this.stopping.signal);
      if (!item) return;
      this.taken.push(item);
      await this.answer(item);
    }
  }

  private async answer(item: WorkItem): Promise<void> {
    switch (item.kind) {
      case 'orchestrator':
        return this.hub.completeOrchestratorWorkItem(this.runOrchestrator(item));
      case 'activity': {
        const script = this.scripts.activities?.[item.name];
        if (!script) throw new Error(`no script for activity ${item.name}`);
        const base = { instanceId: item.instanceId, taskId: item.taskId, completionToken: item.completionToken };
        try {
          return await this.hub.completeActivityWorkItem({ ...base, result: script(item.input, item) });
        } catch (error) {
          const failureDetails: FailureDetails = { errorType: 'Error', errorMessage: (error as Error).message };
          return this.hub.completeActivityWorkItem({ ...base, failureDetails });
        }
      }
      case 'entity':
        return this.hub.completeEntityWorkItem(this.runEntity(item));
    }
  }

  private runOrchestrator(item: OrchestratorWorkItem) {
    const history = [...item.pastEvents, ...item.newEvents];
    const start = history.find((e): e is Extract<HistoryEvent, { type: 'executionStarted' }> => e.type === 'executionStarted');
    if (!start) throw new Error(`episode of ${item.instanceId} has no executionStarted`);
    const script = this.scripts.orchestrators?.[start.name];
    if (!script) throw new Error(`no script for orchestrator ${start.name}`);
    const outcome = script({ instanceId: item.instanceId, executionId: item.executionId, input: start.input, history, newEvents: item.newEvents });
    const { actions, customStatus } = Array.isArray(outcome) ? { actions: outcome, customStatus: undefined } : outcome;
    return { instanceId: item.instanceId, actions, customStatus, completionToken: item.completionToken };
  }

  private runEntity(item: EntityWorkItem): EntityBatchResult {
    const script = this.scripts.entities?.[item.instanceId.split('@')[1]];
    if (!script) throw new Error(`no script for entity ${item.instanceId}`);
    let state = item.entityState;
    const results: EntityOperationResult[] = [];
    const actions: EntityBatchResult['actions'] = [];
    for (const operation of item.operations) {
      try {
        const outcome = script(state, operation.operation, operation.input);
        state = outcome.state;
        results.push({ result: outcome.result });
        actions.push(...(outcome.signals ?? []));
      } catch (error) {
        results.push({ failureDetails: { errorType: 'Error', errorMessage: (error as Error).message } });
      }
    }
    return { instanceId: item.instanceId, results, actions, entityState: state, completionToken: item.completionToken };
  }
}

/** `waitFor` with the probe first and a short bound, for in-process engine tests. */
export function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  return pollFor(what, probe, timeoutMs, 2);
}
