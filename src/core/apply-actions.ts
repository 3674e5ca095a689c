// Turning an orchestrator episode's actions into one commit (specs/backends.md B4 step 5, modelled on
// durabletask-go's ApplyActions): history gets the episode's new events, one event per action (eventId = the
// action's id) and an orchestratorCompleted; each action also sends its message or enqueues its activity.

import type {
  CompleteOrchestrationAction,
  CreateSubOrchestrationAction,
  OrchestratorAction,
  SendEntityMessageAction,
} from './actions';
import { isoTime } from './clock';
import { customStatusProblem } from './custom-status';
import type { EngineContext } from './engine-context';
import { isEntityInstanceId } from './entity-id';
import { endExecution, subOrchestrationFailed } from './execution-completion';
import { executionStartedEvent, releaseHeldLocks } from './execution-history';
import type { FailureDetails } from './failure';
import { inboundEvent, type ExecutionStartedEvent, type HistoryEvent, type TaskScheduledEvent } from './history';
import type { OrchestrationEpisode } from './inbox-decision';
import { instanceIdProblem } from './instance-id';
import type { InstanceCommit } from './instance-commit';
import type { InstanceRecord } from './instance';
import type { ActivityTask, OutboundMessage } from './messages';
import type { OrchestratorResult } from './work-items';

export function applyOrchestratorResult(episode: OrchestrationEpisode, result: OrchestratorResult, context: EngineContext): InstanceCommit {
  return new ActionApplier(episode, context).apply(result);
}

class ActionApplier {
  private readonly timestamp: string;
  private readonly added: HistoryEvent[];
  private readonly messages: OutboundMessage[];
  private readonly activities: ActivityTask[];
  private readonly start: ExecutionStartedEvent;

  constructor(private readonly episode: OrchestrationEpisode, private readonly context: EngineContext) {
    this.timestamp = isoTime(context.now);
    this.added = [...episode.newEvents];
    this.messages = [...episode.messages];
    this.activities = [...episode.activities];
    const start = executionStartedEvent(episode.pastEvents) ?? executionStartedEvent(episode.newEvents);
    if (!start) throw new RangeError(`The episode of '${episode.instanceId}' has no executionStarted event; it cannot be completed.`);
    this.start = start;
  }

  private get self(): { instanceId: string; executionId: string } {
    return { instanceId: this.episode.instanceId, executionId: this.episode.executionId };
  }

  apply(result: OrchestratorResult): InstanceCommit {
    const problem = customStatusProblem(result.customStatus) ?? invalidActions(result.actions);
    const actions = problem ? [failWith(this.start.name, problem)] : result.actions;
    let record: InstanceRecord = { ...this.episode.record, customStatus: problem ? undefined : result.customStatus, lastUpdatedAt: this.timestamp };
    let completion: CompleteOrchestrationAction | undefined;
    for (const action of actions) {
      if (action.type !== 'completeOrchestration') {
        this.applyAction(action);
      } else if (completion) {
        this.context.logger.warn(`'${this.episode.instanceId}' completed twice in one episode; the second completion (${action.orchestrationStatus}) is ignored.`);
      } else {
        completion = action;
        // durabletask-go ApplyActions: nothing after a continue-as-new belongs to the old execution.
        if (action.orchestrationStatus === 'ContinuedAsNew') break;
      }
    }
    if (completion?.orchestrationStatus === 'ContinuedAsNew') return this.continueAsNew(completion, record);
    if (completion) {
      const status = completion.orchestrationStatus;
      const ended = endExecution(
        record,
        [...this.episode.pastEvents, ...this.added],
        { status, result: completion.result, failureDetails: completion.failureDetails, eventId: completion.id },
        this.timestamp,
      );
      this.added.push(ended.event);
      this.messages.push(...ended.messages);
      record = ended.record;
    }
    this.added.push(inboundEvent({ type: 'orchestratorCompleted' }, this.timestamp));
    return {
      instance: record,
      history: this.episode.replaceHistory ? { replace: [...this.episode.pastEvents, ...this.added] } : { append: this.added },
      messages: this.messages,
      activities: this.activities,
    };
  }

  private applyAction(action: Exclude<OrchestratorAction, CompleteOrchestrationAction>): void {
    const { timestamp } = this;
    switch (action.type) {
      case 'scheduleTask': {
        const event: TaskScheduledEvent = {
          type: 'taskScheduled',
          eventId: action.id,
          timestamp,
          name: action.name,
          version: action.version,
          input: action.input,
          tags: action.tags,
        };
        this.added.push(event);
        this.activities.push({ instanceId: this.episode.instanceId, executionId: this.episode.executionId, event });
        return;
      }
      case 'createTimer':
        this.added.push({ type: 'timerCreated', eventId: action.id, timestamp, fireAt: action.fireAt });
        // A durable timer is a timerFired message to itself that becomes visible at fireAt (specs/backends.md A11).
        this.messages.push({
          ...this.self,
          event: inboundEvent({ type: 'timerFired', timerId: action.id, fireAt: action.fireAt }, timestamp),
          visibleAt: Date.parse(action.fireAt),
        });
        return;
      case 'createSubOrchestration':
        return this.createSubOrchestration(action);
      case 'sendEvent':
        this.added.push({ type: 'eventSent', eventId: action.id, timestamp, instanceId: action.instanceId, name: action.name, input: action.data });
        this.messages.push({ instanceId: action.instanceId, event: inboundEvent({ type: 'eventRaised', name: action.name, input: action.data }, timestamp) });
        return;
      case 'terminateOrchestration':
        this.messages.push({
          instanceId: action.instanceId,
          event: inboundEvent({ type: 'executionTerminated', input: action.reason, recurse: action.recurse }, timestamp),
        });
        return;
      case 'sendEntityMessage':
        return this.sendEntityMessage(action);
    }
  }

  private createSubOrchestration(action: CreateSubOrchestrationAction): void {
    // DTFx names an unnamed sub-orchestration "<parent execution id>:<event id>" (durable-functions-protocol.md §3.3).
    const instanceId = action.instanceId || `${this.episode.executionId}:${action.id}`;
    this.added.push({
      type: 'subOrchestrationInstanceCreated',
      eventId: action.id,
      timestamp: this.timestamp,
      instanceId,
      name: action.name,
      version: action.version,
      input: action.input,
    });
    const problem =
      instanceIdProblem(instanceId) ??
      (instanceId === this.episode.instanceId ? `Instance ID '${instanceId}' is the ID of the calling orchestration itself; choose another instance ID.` : undefined);
    if (problem) {
      const failureDetails: FailureDetails = { errorType: 'InvalidInstanceId', errorMessage: `Cannot start sub-orchestration '${action.name}': ${problem}` };
      this.messages.push(subOrchestrationFailed({ ...this.self, taskScheduledId: action.id }, failureDetails, this.timestamp));
      return;
    }
    const start = inboundEvent(
      {
        type: 'executionStarted',
        name: action.name,
        version: action.version,
        input: action.input,
        orchestrationInstance: { instanceId, executionId: this.context.newId() },
        parentInstance: {
          taskScheduledId: action.id,
          name: this.start.name,
          version: this.start.version,
          instanceId: this.episode.instanceId,
          executionId: this.episode.executionId,
        },
      },
      this.timestamp,
    );
    this.messages.push({ instanceId, event: start });
  }

  /** The request goes into history with the action's id and to the entity (specs/durable-functions-protocol.md §4.3). */
  private sendEntityMessage(action: SendEntityMessageAction): void {
    const message = action.message;
    this.added.push({ ...message, eventId: action.id, timestamp: this.timestamp } as HistoryEvent);
    const target = message.type === 'entityLockRequested' ? message.lockSet[message.position] : message.targetInstanceId;
    const scheduledTime =
      message.type === 'entityOperationSignaled' || message.type === 'entityOperationCalled' ? message.scheduledTime : undefined;
    this.messages.push({
      instanceId: target,
      event: inboundEvent(message, this.timestamp),
      visibleAt: scheduledTime ? Date.parse(scheduledTime) : undefined,
    });
  }

  /**
   * The execution ends as ContinuedAsNew and a new one begins when its executionStarted (sent to itself, as DT.AS
   * does) is read: same name and parent, the result as input, a new execution id. Its history starts empty;
   * events the library buffered are not carried over (specs/durable-functions-protocol.md §9.11).
   */
  private continueAsNew(completion: CompleteOrchestrationAction, record: InstanceRecord): InstanceCommit {
    const { instanceId } = this.episode;
    const history = [...this.episode.pastEvents, ...this.added];
    this.messages.push(...releaseHeldLocks(instanceId, history, this.timestamp));
    const executionId = this.context.newId();
    const version = completion.newVersion ?? this.start.version;
    const start = inboundEvent(
      {
        type: 'executionStarted',
        name: this.start.name,
        version,
        input: completion.result,
        orchestrationInstance: { instanceId, executionId },
        parentInstance: this.start.parentInstance,
        tags: this.start.tags,
      },
      this.timestamp,
    );
    this.messages.push({ instanceId, event: start });
    for (const event of completion.carryoverEvents ?? []) this.messages.push({ instanceId, executionId, event });
    return {
      instance: { ...record, executionId, version, status: 'ContinuedAsNew', input: completion.result, output: undefined, failureDetails: undefined, completedAt: undefined },
      history: { replace: [] },
      messages: this.messages,
      activities: this.activities,
    };
  }
}

const ACTION_TYPES: ReadonlySet<string> = new Set<OrchestratorAction['type']>([
  'scheduleTask',
  'createSubOrchestration',
  'createTimer',
  'sendEvent',
  'completeOrchestration',
  'terminateOrchestration',
  'sendEntityMessage',
]);

/** A worker's result that cannot be applied fails the orchestration with the reason, rather than looping. */
function invalidActions(actions: readonly OrchestratorAction[]): string | undefined {
  for (const action of actions) {
    if (!ACTION_TYPES.has(action.type)) return `The orchestrator returned an action of unknown type '${String(action.type)}'.`;
    if (action.type === 'createTimer' && Number.isNaN(Date.parse(action.fireAt))) {
      return `The orchestrator created timer ${action.id} with fireAt '${action.fireAt}', which is not an ISO-8601 time.`;
    }
    if (action.type === 'sendEntityMessage') {
      const message = action.message;
      const target = message.type === 'entityLockRequested' ? message.lockSet[message.position] : message.targetInstanceId;
      if (!target || !isEntityInstanceId(target)) {
        return `The orchestrator sent ${message.type} to '${String(target)}', which is not an entity ID ("@<name>@<key>").`;
      }
    }
  }
  return undefined;
}

/** The output reads like the extension's for a failed orchestrator (durable-functions-protocol.md §7). */
function failWith(name: string, errorMessage: string): CompleteOrchestrationAction {
  return {
    type: 'completeOrchestration',
    id: -1,
    orchestrationStatus: 'Failed',
    result: `Orchestrator function '${name}' failed: ${errorMessage}`,
    failureDetails: { errorType: 'OrchestrationRuntimeError', errorMessage },
  };
}
