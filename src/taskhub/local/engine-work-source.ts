// The work side of the local task hub: instances are locked in the backend when a worker wants work, the engine's
// rules decide what each batch of messages means, results it can settle itself are committed here, and the rest
// go to workers as orchestrator or entity work items. Activities come straight from the backend's queue. Every
// item handed out holds its backend lock until the worker completes or abandons it; a worker that dies leaves the
// lock to the backend, which delivers the messages again (memory: on abandon; durable backends: on lock expiry).

import { randomUUID } from 'node:crypto';
import {
  applyEntityBatchResult,
  applyOrchestratorResult,
  entityWorkItem,
  inboundEvent,
  isTerminal,
  isoTime,
  orchestratorWorkItem,
  processInbox,
  type ActivityResult,
  type ActivityWorkItem,
  type EngineContext,
  type EntityBatch,
  type EntityBatchResult,
  type InboxDecision,
  type InstanceCommit,
  type Logger,
  type OrchestrationEpisode,
  type OrchestratorResult,
  type WorkItem,
  type WorkItemKind,
} from '../../core';
import { LockLostError, type ActivityWorkItemLease, type Backend, type InstanceWorkItem } from '../../backends';
import { WorkItemNotHeldError } from './errors';
import { WorkItemDispatcher, type WorkSource } from './work-item-dispatcher';

type HeldWorkItem =
  | { kind: 'orchestrator'; item: InstanceWorkItem; episode: OrchestrationEpisode }
  | { kind: 'entity'; item: InstanceWorkItem; batch: EntityBatch }
  | { kind: 'activity'; lease: ActivityWorkItemLease };

export interface EngineWorkSourceOptions {
  backend: Backend;
  logger: Logger;
  /** Fresh context for each step of the engine's rules (time, ids, batch size). */
  context(): EngineContext;
  /**
   * Told after a commit that ended the instance (a terminal status, or the record deleted): what waitForCompletion
   * waits for. Other commits are not told, so a waiter does not re-read the instance after every episode.
   */
  ended(instanceId: string): void;
}

/** Backend pulls in flight per source at most, however many callers wait. */
const MAX_PULLS_PER_SOURCE = 4;

/** Backoff for work given back by a worker: 1 s, 2 s, 4 s … up to a minute, by how often it was handed out. */
function abandonDelayMs(dequeueCount: number): number {
  return Math.min(2 ** Math.max(0, dequeueCount - 1), 60) * 1000;
}

export class EngineWorkSource {
  private readonly held = new Map<string, HeldWorkItem>();
  /** Completion tokens: unique to this source (a random prefix) and to the item (a count), without a UUID each. */
  private readonly tokenPrefix = `${randomUUID()}:`;
  private lastToken = 0;
  private readonly dispatcher: WorkItemDispatcher;

  constructor(private readonly options: EngineWorkSourceOptions) {
    const instances: WorkSource = {
      name: `${options.backend.description} instances`,
      kinds: new Set<WorkItemKind>(['orchestrator', 'entity']),
      pull: (signal) => this.pullInstance(signal),
    };
    const activities: WorkSource = {
      name: `${options.backend.description} activities`,
      kinds: new Set<WorkItemKind>(['activity']),
      pull: (signal) => this.pullActivity(signal),
    };
    this.dispatcher = new WorkItemDispatcher({
      sources: [instances, activities],
      maxPullsPerSource: MAX_PULLS_PER_SOURCE,
      unclaimed: (item) => this.giveBack(item.completionToken, 0),
      logger: options.logger,
    });
  }

  start(): void {
    this.dispatcher.start();
  }

  nextWorkItem(kinds: ReadonlySet<WorkItemKind>, signal?: AbortSignal): Promise<WorkItem | undefined> {
    return this.dispatcher.next(kinds, signal);
  }

  async completeOrchestratorWorkItem(result: OrchestratorResult): Promise<void> {
    const held = this.take(result.completionToken, 'orchestrator', result.instanceId);
    await this.commit(held.item, () => applyOrchestratorResult(held.episode, result, this.options.context()));
  }

  async completeEntityWorkItem(result: EntityBatchResult): Promise<void> {
    const held = this.take(result.completionToken, 'entity', result.instanceId);
    await this.commit(held.item, () => applyEntityBatchResult(held.batch, result, this.options.context()));
  }

  async completeActivityWorkItem(result: ActivityResult): Promise<void> {
    const { lease } = this.take(result.completionToken, 'activity', result.instanceId);
    const taskScheduledId = lease.task.event.eventId;
    if (result.taskId !== taskScheduledId) {
      this.options.logger.warn(`The result of activity '${lease.task.event.name}' names task ${result.taskId}; it answers task ${taskScheduledId}.`);
    }
    const timestamp = isoTime(this.options.context().now);
    const event = result.failureDetails
      ? inboundEvent({ type: 'taskFailed', taskScheduledId, failureDetails: result.failureDetails }, timestamp)
      : inboundEvent({ type: 'taskCompleted', taskScheduledId, result: result.result }, timestamp);
    try {
      await this.options.backend.completeActivity(lease, { instanceId: lease.task.instanceId, executionId: lease.task.executionId, event });
    } catch (error) {
      if (!(error instanceof LockLostError)) throw error;
      this.options.logger.warn(`${error.message} (activity '${lease.task.event.name}')`);
    }
  }

  async abandonWorkItem(item: WorkItem, reason: string, retryAfterMs?: number): Promise<void> {
    const held = this.held.get(item.completionToken);
    if (!held) return;
    const dequeueCount = held.kind === 'activity' ? held.lease.dequeueCount : maxDequeueCount(held.item);
    const delayMs = retryAfterMs ?? abandonDelayMs(dequeueCount);
    this.options.logger.warn(`The ${item.kind} work item for '${item.instanceId}' was given back (${reason}); it runs again in ${delayMs / 1000} s.`);
    await this.giveBack(item.completionToken, delayMs);
  }

  /** Stops taking work and gives back everything still held, so another worker (or the next start) gets it. */
  async stop(): Promise<void> {
    await this.dispatcher.stop();
    await Promise.allSettled([...this.held.keys()].map((token) => this.giveBack(token, 0)));
  }

  // --- Pulling

  private async pullInstance(signal: AbortSignal): Promise<WorkItem | undefined> {
    const item = await this.options.backend.lockNextInstance(signal);
    if (!item) return undefined;
    let decision: InboxDecision;
    try {
      decision = processInbox(item, this.options.context());
    } catch (error) {
      await this.options.backend.abandonInstance(item, abandonDelayMs(maxDequeueCount(item))).catch(() => undefined);
      throw error;
    }
    switch (decision.kind) {
      case 'commit':
        await this.commit(item, () => decision.commit);
        return undefined;
      case 'orchestrator':
        return orchestratorWorkItem(decision.episode, this.hold({ kind: 'orchestrator', item, episode: decision.episode }));
      case 'entity':
        return entityWorkItem(decision.batch, this.hold({ kind: 'entity', item, batch: decision.batch }));
    }
  }

  private async pullActivity(signal: AbortSignal): Promise<ActivityWorkItem | undefined> {
    const lease = await this.options.backend.lockNextActivity(signal);
    if (!lease) return undefined;
    const { instanceId, executionId, event } = lease.task;
    return {
      kind: 'activity',
      name: event.name,
      version: event.version,
      input: event.input,
      instanceId,
      executionId,
      taskId: event.eventId,
      completionToken: this.hold({ kind: 'activity', lease }),
    };
  }

  // --- Holding and settling

  private hold(held: HeldWorkItem): string {
    const token = `${this.tokenPrefix}${++this.lastToken}`;
    this.held.set(token, held);
    return token;
  }

  private take<K extends HeldWorkItem['kind']>(token: string, kind: K, instanceId: string): Extract<HeldWorkItem, { kind: K }> {
    const held = this.held.get(token);
    if (!held || held.kind !== kind) throw new WorkItemNotHeldError(kind, instanceId, token);
    this.held.delete(token);
    return held as Extract<HeldWorkItem, { kind: K }>;
  }

  /**
   * Commits an instance work item. A lost lock means another worker has (or will have) the messages: the result
   * is dropped and logged. Any other failure gives the messages back and is rethrown to the caller.
   */
  private async commit(item: InstanceWorkItem, build: () => InstanceCommit): Promise<void> {
    const { backend, logger } = this.options;
    let commit: InstanceCommit;
    try {
      commit = build();
      await backend.completeInstance(item, commit);
    } catch (error) {
      if (error instanceof LockLostError) {
        logger.warn(error.message);
        return;
      }
      const delayMs = abandonDelayMs(maxDequeueCount(item));
      await backend.abandonInstance(item, delayMs).catch(() => undefined);
      throw error;
    }
    if (commit.instance === null || isTerminal(commit.instance.status)) this.options.ended(item.instanceId);
  }

  private async giveBack(token: string, delayMs: number): Promise<void> {
    const held = this.held.get(token);
    if (!held) return;
    this.held.delete(token);
    const { backend } = this.options;
    if (held.kind === 'activity') await backend.abandonActivity(held.lease, delayMs);
    else await backend.abandonInstance(held.item, delayMs);
  }
}

function maxDequeueCount(item: InstanceWorkItem): number {
  return Math.max(1, ...item.messages.map((message) => message.dequeueCount));
}
