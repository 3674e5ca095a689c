// Reading an orchestration's inbox (specs/backends.md A8, B4): which messages start, end, pause or rewind an
// execution, which wake the orchestrator, which wait in the inbox for the execution to start, and which are
// stale and dropped. The outcome is an episode for a worker or a commit the engine makes itself.

import { isoTime } from './clock';
import type { EngineContext } from './engine-context';
import { endExecution, subOrchestrationFailed } from './execution-completion';
import {
  answeredResponses,
  executionStartedEvent,
  requestKey,
  requestedLockSet,
  responseKey,
  runningSubOrchestrations,
  unlockMessage,
} from './execution-history';
import {
  inboundEvent,
  type EntityLockGrantedEvent,
  type ExecutionRewoundEvent,
  type ExecutionStartedEvent,
  type ExecutionTerminatedEvent,
  type HistoryEvent,
  type HistoryEventType,
} from './history';
import type { InboxBatch, InboxDecision, InboxEntry } from './inbox-decision';
import type { InstanceRecord } from './instance';
import type { ActivityTask, OutboundMessage } from './messages';
import { isTerminal } from './status';

/** Events that answer an orchestration or talk to it; each wakes the orchestrator for an episode. */
const WAKING_EVENTS: ReadonlySet<HistoryEventType> = new Set<HistoryEventType>([
  'taskCompleted',
  'taskFailed',
  'subOrchestrationInstanceCompleted',
  'subOrchestrationInstanceFailed',
  'timerFired',
  'eventRaised',
  'entityOperationCompleted',
  'entityOperationFailed',
  'entityLockGranted',
]);

export function processOrchestrationInbox(batch: InboxBatch, context: EngineContext): InboxDecision {
  const inbox = new OrchestrationInbox(batch, context);
  for (const message of startsFirst(batch.messages)) inbox.receive(message);
  return inbox.decide();
}

/**
 * A start goes first: events raised at a Pending instance, or sent right after a continue-as-new, belong to the
 * execution that start begins, even when they were dequeued ahead of it.
 */
function startsFirst(messages: readonly InboxEntry[]): InboxEntry[] {
  const starts = messages.filter((message) => message.event.type === 'executionStarted');
  return starts.length === 0 ? [...messages] : [...starts, ...messages.filter((message) => message.event.type !== 'executionStarted')];
}

function isFailure(event: HistoryEvent): event is Extract<HistoryEvent, { type: 'taskFailed' | 'subOrchestrationInstanceFailed' }> {
  return event.type === 'taskFailed' || event.type === 'subOrchestrationInstanceFailed';
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}

class OrchestrationInbox {
  private record: InstanceRecord | undefined;
  /** Committed history of the current execution (rewritten by a rewind, emptied by a new start). */
  private past: HistoryEvent[];
  private replaceHistory = false;
  /** Events this batch adds to the execution, in order. */
  private readonly added: HistoryEvent[] = [];
  private readonly messages: OutboundMessage[] = [];
  private readonly activities: ActivityTask[] = [];
  private answered: Set<string>;
  private readonly waitingForStart: InboxEntry[] = [];
  /** The current execution has its executionStarted (in history, or begun by this batch). */
  private started: boolean;
  private wakesOrchestrator = false;
  private recordChanged = false;
  private latestFireAt = 0;
  private readonly timestamp: string;

  constructor(private readonly batch: InboxBatch, private readonly context: EngineContext) {
    this.record = batch.instance;
    this.past = [...batch.history];
    this.answered = answeredResponses(this.past);
    this.started = executionStartedEvent(this.past) !== undefined;
    this.timestamp = isoTime(context.now);
  }

  private get execution(): HistoryEvent[] {
    return [...this.past, ...this.added];
  }

  private setRecord(record: InstanceRecord): void {
    this.record = record;
    this.recordChanged = true;
  }

  receive(message: InboxEntry): void {
    const event = message.event;
    if (event.type === 'executionStarted') return this.start(message, event);
    const record = this.record;
    if (!record) return this.discard(message, 'no instance with this ID exists', 'warn');
    if (isTerminal(record.status)) return this.receiveWhenFinished(message, record);
    if (message.executionId && message.executionId !== record.executionId) {
      return this.discard(message, `it belongs to execution ${message.executionId}, which has ended`);
    }
    if (!this.started) return this.receiveBeforeStart(message, record);
    this.receiveWhenActive(message, record);
  }

  // --- Starting an execution

  private start(message: InboxEntry, event: ExecutionStartedEvent): void {
    const record = this.record;
    const executionId = event.orchestrationInstance.executionId;
    if (!record) return this.beginExecution(event);
    if (isTerminal(record.status)) {
      // The start that began this finished execution, delivered again.
      if (record.executionId === executionId) return this.discard(message, 'that execution already ran to its end');
      return this.beginExecution(event);
    }
    if (!this.started && record.executionId === executionId) return this.beginExecution(event);
    if (record.executionId === executionId) return this.discard(message, 'the execution it starts is already running');
    if (event.parentInstance) return this.rejectSubOrchestration(message, event, record);
    this.discard(message, `the instance is already ${record.status} with execution ${record.executionId}`, 'warn');
  }

  private beginExecution(event: ExecutionStartedEvent): void {
    const previous = this.record && !isTerminal(this.record.status) ? this.record : undefined;
    this.past = [];
    this.added.length = 0;
    this.answered = new Set();
    this.replaceHistory = true;
    this.started = true;
    this.added.push(event);
    this.setRecord({
      instanceId: this.batch.instanceId,
      name: event.name,
      version: event.version,
      executionId: event.orchestrationInstance.executionId,
      status: 'Running',
      // A client's Pending record and a continue-as-new keep the instance's creation time.
      createdAt: previous?.createdAt ?? this.timestamp,
      lastUpdatedAt: this.timestamp,
      scheduledStartAt: event.scheduledStartTimestamp ?? previous?.scheduledStartAt,
      input: event.input,
      customStatus: previous?.customStatus,
      parentInstanceId: event.parentInstance?.instanceId,
      tags: event.tags ?? previous?.tags,
    });
    this.wakesOrchestrator = true;
  }

  /** A parent asked for a sub-orchestration whose id is taken by an unfinished instance: fail the parent's task. */
  private rejectSubOrchestration(message: InboxEntry, event: ExecutionStartedEvent, record: InstanceRecord): void {
    const parent = event.parentInstance!;
    const errorMessage =
      `Cannot start sub-orchestration '${event.name}' with instance ID '${record.instanceId}': an instance with this ID is ` +
      `already ${record.status}. Use another instance ID, or one of an instance that has finished.`;
    this.messages.push(subOrchestrationFailed(parent, { errorType: 'InstanceExists', errorMessage }, this.timestamp));
    this.discard(message, `it would replace the ${record.status} instance; the parent '${parent.instanceId}' was told its sub-orchestration failed`, 'warn');
  }

  // --- Before the execution has started (Pending, or between continue-as-new and the new start)

  private receiveBeforeStart(message: InboxEntry, record: InstanceRecord): void {
    const event = message.event;
    if (event.type === 'executionTerminated' && record.status === 'Pending') {
      // specs/backends.md A8.4: terminating a never-started instance only updates its record.
      this.setRecord({ ...record, status: 'Terminated', output: event.input, completedAt: this.timestamp, lastUpdatedAt: this.timestamp });
      return;
    }
    this.waitingForStart.push(message);
  }

  // --- A running or suspended execution

  private receiveWhenActive(message: InboxEntry, record: InstanceRecord): void {
    const event = message.event;
    const key = responseKey(event);
    if (key && this.answered.has(key)) return this.discard(message, 'it is a second copy of a response already received');
    switch (event.type) {
      case 'executionTerminated':
        return this.terminate(event, record);
      case 'executionSuspended':
        this.added.push(event);
        if (record.status !== 'Suspended') this.setRecord({ ...record, status: 'Suspended' });
        return;
      case 'executionResumed':
        this.added.push(event);
        if (record.status === 'Suspended') {
          this.setRecord({ ...record, status: 'Running' });
          this.wakesOrchestrator = true;
        }
        return;
      case 'executionRewound':
        return this.discard(message, `only a Failed instance can be rewound, and it is ${record.status}`, 'warn');
      default:
        if (!WAKING_EVENTS.has(event.type)) return this.discard(message, `an orchestration does not receive ${event.type} events`, 'warn');
        this.added.push(event);
        if (key) this.answered.add(key);
        if (event.type === 'timerFired') this.latestFireAt = Math.max(this.latestFireAt, Date.parse(event.fireAt) || 0);
        // While suspended the event is recorded now and seen by the orchestrator after the resume (DTFx buffering).
        this.wakesOrchestrator = true;
    }
  }

  /** specs/durable-functions-protocol.md §9.12: no orchestrator call; the reason becomes the output. */
  private terminate(event: ExecutionTerminatedEvent, record: InstanceRecord): void {
    this.added.push(event);
    const execution = this.execution;
    const ended = endExecution(record, execution, { status: 'Terminated', result: event.input, eventId: -1 }, this.timestamp);
    if (event.recurse) {
      for (const child of runningSubOrchestrations(execution)) {
        this.messages.push({ instanceId: child, event: inboundEvent({ type: 'executionTerminated', input: event.input, recurse: true }, this.timestamp) });
      }
    }
    this.added.push(ended.event);
    this.messages.push(...ended.messages);
    this.setRecord(ended.record);
    this.wakesOrchestrator = false;
  }

  // --- A finished execution

  private receiveWhenFinished(message: InboxEntry, record: InstanceRecord): void {
    const event = message.event;
    if (event.type === 'executionRewound' && record.status === 'Failed') return this.rewind(event, record);
    if (event.type === 'entityLockGranted') return this.releaseLateLock(message, event);
    this.discard(message, `the instance is already ${record.status}`);
  }

  /**
   * Rewind from the episode that processed the last failure. Everything before that episode stays: earlier
   * failures were handled by the code (a caught error, or a retried attempt with its retry timer), so replaying
   * them is deterministic. The failures that episode processed are taken out: their activities run again under
   * their task ids and their sub-orchestrations are rewound too. What that episode and later ones scheduled is
   * dropped (the replay schedules it again), and the answers they received to work scheduled earlier are
   * delivered again, in order.
   *
   * DT.AS removes every failure instead and keeps the rest, which leaves a retried call's timers without their
   * failures: its rewind of a `callActivityWithRetry` failure is reported as non-deterministic
   * (azure-functions-durable-extension#617, durabletask#811). Cutting at the last failure avoids that.
   */
  private rewind(event: ExecutionRewoundEvent, record: InstanceRecord): void {
    // Without a failure event the orchestrator itself threw: its last episode runs again.
    const failure = lastIndex(this.past, isFailure);
    const anchor = failure >= 0 ? failure : lastIndex(this.past, (past) => past.type === 'executionCompleted');
    const cut = lastIndex(this.past.slice(0, anchor), (past) => past.type === 'orchestratorStarted');
    const start = this.past.findIndex((past) => past.type === 'executionStarted');
    const kept = this.past.slice(0, Math.max(cut, start + 1));
    const requested = new Set(kept.map(requestKey).filter((key): key is string => key !== undefined));
    const scheduled = new Map(kept.flatMap((past) => (past.type === 'taskScheduled' || past.type === 'subOrchestrationInstanceCreated' ? [[past.eventId, past] as const] : [])));
    for (const later of this.past.slice(kept.length)) {
      if (isFailure(later)) {
        const task = scheduled.get(later.taskScheduledId);
        if (task?.type === 'taskScheduled') this.activities.push({ instanceId: record.instanceId, executionId: record.executionId, event: task });
        else if (task) this.messages.push({ instanceId: task.instanceId, event: inboundEvent({ type: 'executionRewound', reason: event.reason }, this.timestamp) });
      } else if (later.type === 'eventRaised' || requested.has(responseKey(later) ?? '')) {
        this.messages.push({ instanceId: record.instanceId, executionId: record.executionId, event: later });
      }
    }
    this.past = kept;
    this.answered = answeredResponses(kept);
    this.replaceHistory = true;
    this.added.push(event);
    this.setRecord({ ...record, status: 'Running', output: undefined, failureDetails: undefined, completedAt: undefined });
    this.wakesOrchestrator = true;
  }

  /** A lock granted after its orchestration ended would hold the entities forever: hand them back at once. */
  private releaseLateLock(message: InboxEntry, event: EntityLockGrantedEvent): void {
    const lockSet = requestedLockSet(this.execution, event.criticalSectionId);
    if (!lockSet) return this.discard(message, 'its lock request is not in the history', 'warn');
    for (const entity of lockSet) this.messages.push(unlockMessage(this.batch.instanceId, event.criticalSectionId, entity, this.timestamp));
    this.context.logger.info(`Released entity locks ${lockSet.join(', ')} granted to '${this.batch.instanceId}' after it had finished.`);
  }

  private discard(message: InboxEntry, reason: string, level: 'debug' | 'warn' = 'debug'): void {
    this.context.logger[level](`Discarded ${message.event.type} for '${this.batch.instanceId}': ${reason}.`);
  }

  // --- The outcome

  decide(): InboxDecision {
    const record = this.record;
    // Messages for an execution that has not started stay in the inbox and come back with its start, unless
    // the instance ended before it started.
    const ended = !record || isTerminal(record.status);
    if (ended) for (const message of this.waitingForStart) this.discard(message, 'the instance ended before it started');
    const waiting = ended ? [] : this.waitingForStart.map((message) => message.messageId);
    if (record && this.wakesOrchestrator && record.status === 'Running') {
      // specs/durable-functions-protocol.md §8: stamped before a timer's fireAt, JS would wait for another timer.
      const stamp = isoTime(Math.max(this.context.now, this.latestFireAt));
      return {
        kind: 'orchestrator',
        episode: {
          instanceId: record.instanceId,
          executionId: record.executionId,
          record,
          pastEvents: this.past,
          newEvents: [inboundEvent({ type: 'orchestratorStarted' }, stamp), ...this.added],
          replaceHistory: this.replaceHistory,
          messages: this.messages,
          activities: this.activities,
        },
      };
    }
    // No user code: the events are recorded as an episode of their own, so every block of history still
    // starts with an orchestratorStarted (specs/durable-functions-protocol.md §2.3).
    const block =
      this.added.length > 0
        ? [inboundEvent({ type: 'orchestratorStarted' }, this.timestamp), ...this.added, inboundEvent({ type: 'orchestratorCompleted' }, this.timestamp)]
        : [];
    const changed = this.recordChanged || block.length > 0;
    return {
      kind: 'commit',
      commit: {
        instance: record ? (changed ? { ...record, lastUpdatedAt: this.timestamp } : record) : null,
        history: this.replaceHistory ? { replace: [...this.past, ...block] } : { append: block },
        messages: this.messages,
        activities: this.activities,
        ...(waiting.length > 0 && { keepMessageIds: waiting }),
      },
    };
  }
}
