// Plays the engine's part for adapter tests: it keeps one instance's history, runs episodes through the adapter
// and the REAL durable-functions library, appends the events the returned actions imply (durabletask-go
// ApplyActions semantics, specs/backends.md B4) and delivers completions the test asks for.

import { InvocationContext } from '@azure/functions';
import type {
  CompleteOrchestrationAction,
  EventBody,
  EventOf,
  FailureDetails,
  HistoryEvent,
  HistoryEventType,
  OrchestratorAction,
  OrchestratorResult,
} from '../../../../src/core';
import { orchestrationTriggerJson, runOrchestratorEpisode, type EpisodeOptions, type OrchestrationTriggerInput } from '../../../../src/durable-functions';

// The handler df.app.orchestration registers is built from the library's own classes (spec §1.1).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createOrchestrator } = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator: (fn: (context: any) => Generator<unknown, unknown, any>) => (input: unknown, context: InvocationContext) => Promise<unknown>;
};

export type OrchestratorFunction = (context: any) => Generator<unknown, unknown, any>;

export const T0 = Date.UTC(2024, 0, 1);

/** Any event body, discriminated by `type`. */
type AnyEventBody = { [K in HistoryEventType]: EventBody<K> }[HistoryEventType];

export interface DriverOptions extends EpisodeOptions {
  name?: string;
  instanceId?: string;
  input?: unknown;
  parentInstanceId?: string;
}

export class OrchestrationDriver {
  readonly name: string;
  readonly instanceId: string;
  executionId = 'exec-1';
  now = T0;
  history: HistoryEvent[] = [];
  /** Events delivered since the last episode: the next episode's new events. */
  inbox: HistoryEvent[] = [];
  completion?: CompleteOrchestrationAction;
  /** Every trigger input the library received, and what the orchestrator logged, for inspection. */
  readonly invocations: OrchestrationTriggerInput[] = [];
  /** The JSON text of each trigger input, as the worker sends it. */
  readonly triggerJson: string[] = [];
  readonly logs: string[] = [];
  private readonly handler: (input: unknown, context: InvocationContext) => Promise<unknown>;

  constructor(
    fn: OrchestratorFunction,
    private readonly options: DriverOptions = {},
  ) {
    this.name = options.name ?? 'Orch';
    this.instanceId = options.instanceId ?? 'instance-1';
    this.handler = createOrchestrator(fn);
    this.inbox.push(this.started(options.input === undefined ? undefined : JSON.stringify(options.input)));
  }

  /** Runs one episode with everything delivered so far and applies its actions; returns them. */
  async episode(): Promise<OrchestratorAction[]> {
    const newEvents = [this.event({ type: 'orchestratorStarted' }), ...this.inbox];
    this.inbox = [];
    const result: OrchestratorResult = await runOrchestratorEpisode(
      { kind: 'orchestrator', instanceId: this.instanceId, executionId: this.executionId, pastEvents: [...this.history], newEvents, completionToken: 'token' },
      (input) => this.invoke(input),
      this.options,
    );
    expect(result.completionToken).toBe('token');
    this.customStatus = result.customStatus;
    this.history.push(...newEvents);
    for (const action of result.actions) this.apply(action);
    if (!this.completion || this.completion.orchestrationStatus !== 'ContinuedAsNew') this.history.push(this.event({ type: 'orchestratorCompleted' }));
    if (this.completion?.orchestrationStatus === 'ContinuedAsNew') this.continueAsNew(this.completion.result);
    return result.actions;
  }
  customStatus?: string;

  // --- delivering inbound events (what the engine does when messages arrive)

  completeTask(id: number, value: unknown): this {
    return this.deliver({ type: 'taskCompleted', taskScheduledId: id, result: value === undefined ? undefined : JSON.stringify(value) });
  }
  failTask(id: number, message: string, errorType = 'Error'): this {
    return this.deliver({ type: 'taskFailed', taskScheduledId: id, failureDetails: { errorType, errorMessage: message, stackTrace: `${errorType}: ${message}\n    at activity` } });
  }
  failTaskWith(id: number, failureDetails: FailureDetails): this {
    return this.deliver({ type: 'taskFailed', taskScheduledId: id, failureDetails });
  }
  completeSubOrchestration(id: number, value: unknown): this {
    return this.deliver({ type: 'subOrchestrationInstanceCompleted', taskScheduledId: id, result: JSON.stringify(value) });
  }
  failSubOrchestration(id: number, message: string): this {
    return this.deliver({ type: 'subOrchestrationInstanceFailed', taskScheduledId: id, failureDetails: { errorType: 'Error', errorMessage: message } });
  }
  /** Fires a timer; like the engine, the delivering episode is stamped no earlier than its fire time (§8). */
  fireTimer(id: number): this {
    const created = this.scheduled(id, 'timerCreated');
    this.now = Math.max(this.now, Date.parse(created.fireAt));
    return this.deliver({ type: 'timerFired', timerId: id, fireAt: created.fireAt });
  }
  raise(name: string, value?: unknown): this {
    return this.deliver({ type: 'eventRaised', name, input: value === undefined ? undefined : JSON.stringify(value) });
  }
  respondToEntityCall(id: number, value: unknown): this {
    const call = this.scheduled(id, 'entityOperationCalled');
    return this.deliver({ type: 'entityOperationCompleted', requestId: call.requestId, output: value === undefined ? undefined : JSON.stringify(value) });
  }
  failEntityCall(id: number, message: string): this {
    const call = this.scheduled(id, 'entityOperationCalled');
    return this.deliver({ type: 'entityOperationFailed', requestId: call.requestId, failureDetails: { errorType: 'Error', errorMessage: message } });
  }
  grantLock(id: number): this {
    const request = this.scheduled(id, 'entityLockRequested');
    return this.deliver({ type: 'entityLockGranted', criticalSectionId: request.criticalSectionId });
  }
  /** While suspended the engine appends arriving events to history without running an episode (§9.12). */
  suspend(): this {
    this.history.push(this.event({ type: 'executionSuspended', input: 'paused' }));
    this.suspended = true;
    return this;
  }
  resume(): this {
    this.suspended = false;
    return this.deliver({ type: 'executionResumed', input: 'go on' });
  }
  private suspended = false;

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  deliver(body: AnyEventBody): this {
    const event = this.event(body);
    if (this.suspended) this.history.push(event);
    else this.inbox.push(event);
    return this;
  }

  // --- reading history

  /** The event an action wrote at sequence number `id`. */
  scheduled<T extends HistoryEventType>(id: number, type: T): EventOf<T> {
    const event = this.history.find((e) => e.eventId === id && e.type !== 'executionCompleted');
    if (!event) throw new Error(`No event with id ${id} in history`);
    if (event.type !== type) throw new Error(`Event ${id} is ${event.type}, not ${type}`);
    return event as EventOf<T>;
  }

  /** Ids and types of the events actions wrote, in history order. */
  scheduledIds(): string[] {
    return this.history.filter((e) => e.eventId >= 0 && e.type !== 'executionCompleted').map((e) => `${e.eventId}:${e.type}`);
  }

  get output(): unknown {
    return this.completion?.result === undefined ? undefined : JSON.parse(this.completion.result);
  }

  private async invoke(input: OrchestrationTriggerInput): Promise<unknown> {
    // The worker hands over parsed JSON and decodes the return value from RpcTypedData JSON (spec §1.3).
    const json = orchestrationTriggerJson(input);
    this.triggerJson.push(json);
    const wire = JSON.parse(json) as OrchestrationTriggerInput;
    this.invocations.push(JSON.parse(JSON.stringify(input)) as OrchestrationTriggerInput); // the library mutates its input
    const context = new InvocationContext({ functionName: this.name, logHandler: (_level, ...args) => this.logs.push(args.join(' ')) });
    try {
      const state = await this.handler(wire, context);
      return state === undefined ? undefined : JSON.parse(JSON.stringify(state));
    } catch (error) {
      throw new Error((error as Error).message);
    }
  }

  private apply(action: OrchestratorAction): void {
    const at = (body: Record<string, unknown>) => ({ ...this.event(body as never), eventId: action.id }) as HistoryEvent;
    switch (action.type) {
      case 'scheduleTask':
        this.history.push(at({ type: 'taskScheduled', name: action.name, input: action.input }));
        return;
      case 'createTimer':
        this.history.push(at({ type: 'timerCreated', fireAt: action.fireAt }));
        return;
      case 'createSubOrchestration':
        this.history.push(at({ type: 'subOrchestrationInstanceCreated', instanceId: action.instanceId, name: action.name, input: action.input, version: action.version }));
        return;
      case 'sendEvent':
        this.history.push(at({ type: 'eventSent', instanceId: action.instanceId, name: action.name, input: action.data }));
        return;
      case 'sendEntityMessage':
        this.history.push(at({ ...action.message }));
        return;
      case 'completeOrchestration':
        this.completion = action;
        if (action.orchestrationStatus !== 'ContinuedAsNew') {
          this.history.push(at({ type: 'executionCompleted', orchestrationStatus: action.orchestrationStatus, result: action.result, failureDetails: action.failureDetails }));
        }
        return;
      case 'terminateOrchestration':
        throw new Error('durable-functions v3 never terminates other instances');
    }
  }

  private continueAsNew(input: string | undefined): void {
    this.executionId = `exec-${Number(this.executionId.split('-')[1]) + 1}`;
    this.history = [];
    this.completion = undefined;
    this.inbox = [this.started(input)];
  }

  private started(input: string | undefined): HistoryEvent {
    return this.event({
      type: 'executionStarted',
      name: this.name,
      input,
      orchestrationInstance: { instanceId: this.instanceId, executionId: this.executionId },
      ...(this.options.parentInstanceId && {
        parentInstance: { taskScheduledId: 0, name: 'Parent', instanceId: this.options.parentInstanceId, executionId: 'parent-exec' },
      }),
    });
  }

  private event(body: AnyEventBody): HistoryEvent {
    return { eventId: -1, timestamp: new Date(this.now).toISOString(), ...body } as HistoryEvent;
  }
}

/** Actions without the random request ids, for readable assertions. */
export function summarize(actions: OrchestratorAction[]): string[] {
  return actions.map((action) => {
    switch (action.type) {
      case 'scheduleTask':
        return `${action.id}:task ${action.name}`;
      case 'createTimer':
        return `${action.id}:timer ${action.fireAt}`;
      case 'createSubOrchestration':
        return `${action.id}:sub ${action.name} ${action.instanceId}`;
      case 'sendEntityMessage':
        return `${action.id}:${action.message.type}`;
      case 'completeOrchestration':
        return `${action.id}:${action.orchestrationStatus}`;
      default:
        return `${action.id}:${action.type}`;
    }
  });
}
