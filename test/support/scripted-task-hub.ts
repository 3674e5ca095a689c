// A TaskHubClient whose instance states a test sets directly, for the HTTP API's status-code rules: every
// runtime status (Canceled included, which no engine produces) on demand, with no worker and no timing.
// It keeps the TaskHub contract's typed errors and the one instance-filter rule, and records every client call it
// receives.

import { randomBytes } from 'node:crypto';
import { isTerminal, type RuntimeStatus } from '../../src/core';
import { checkInstanceFilter, checkPurgeFilter, matchesInstanceFilter } from '../../src/backends';
import {
  InstanceExistsError,
  InstanceNotFoundError,
  InvalidInstanceStateError,
  OperationNotApplicableError,
  type CleanEntityStorageRequest,
  type CleanEntityStorageResult,
  type EntityQuery,
  type EntityState,
  type OrchestrationQuery,
  type OrchestrationState,
  type Page,
  type PurgeInstancesFilter,
  type StartOrchestrationOptions,
  type TaskHubClient,
} from '../../src/taskhub';

export interface HubCall {
  op: string;
  args: unknown[];
}

export class ScriptedTaskHub implements TaskHubClient {
  readonly calls: HubCall[] = [];
  private readonly instances = new Map<string, OrchestrationState>();
  private readonly entities = new Map<string, EntityState>();
  private readonly waiters = new Set<() => void>();
  private tick = Date.UTC(2024, 0, 1, 8, 0, 0, 250);

  constructor(readonly name = 'TestHub') {}

  /** Sets (or creates) an instance's state and wakes waiters. */
  put(state: Partial<OrchestrationState> & { instanceId: string }): OrchestrationState {
    const existing = this.instances.get(state.instanceId);
    const now = this.nextTime();
    const next: OrchestrationState = {
      name: 'Hello',
      executionId: 'e1',
      status: 'Running',
      createdAt: now,
      lastUpdatedAt: now,
      ...existing,
      ...state,
    };
    this.instances.set(next.instanceId, next);
    for (const wake of [...this.waiters]) wake();
    return next;
  }

  putEntity(entity: Omit<EntityState, 'lastModifiedAt' | 'backlogQueueSize'> & Partial<EntityState>): void {
    this.entities.set(entity.instanceId, { lastModifiedAt: this.nextTime(), backlogQueueSize: 0, ...entity });
  }

  callsOf(op: string): unknown[][] {
    return this.calls.filter((call) => call.op === op).map((call) => call.args);
  }

  async startOrchestration(options: StartOrchestrationOptions): Promise<string> {
    this.record('startOrchestration', options);
    const instanceId = options.instanceId ?? randomBytes(16).toString('hex');
    const existing = this.instances.get(instanceId);
    if (existing && !isTerminal(existing.status)) throw new InstanceExistsError(instanceId, existing.status);
    this.instances.delete(instanceId);
    this.put({ instanceId, name: options.name, version: options.version, input: options.input, status: 'Pending', output: undefined });
    return instanceId;
  }

  async getOrchestration(instanceId: string, options?: { includeHistory?: boolean }): Promise<OrchestrationState | undefined> {
    const state = this.instances.get(instanceId);
    if (!state) return undefined;
    const { history, ...rest } = state;
    return options?.includeHistory ? { ...rest, history: history ?? [] } : rest;
  }

  async queryOrchestrations(query: OrchestrationQuery): Promise<Page<OrchestrationState>> {
    this.record('queryOrchestrations', query);
    const filter = checkInstanceFilter(query);
    const matching = [...this.instances.values()].filter((s) => matchesInstanceFilter(filter, s));
    const start = query.continuationToken ? Number(query.continuationToken) : 0;
    const size = query.pageSize ?? 100;
    const items = matching.slice(start, start + size).map(({ history: _history, ...rest }) => rest);
    return { items, continuationToken: start + size < matching.length ? String(start + size) : undefined };
  }

  async raiseEvent(instanceId: string, eventName: string, input?: string): Promise<void> {
    this.record('raiseEvent', instanceId, eventName, input);
    const state = this.existing(instanceId);
    if (isTerminal(state.status)) throw new InvalidInstanceStateError(instanceId, state.status, 'raise an event for');
  }

  async terminate(instanceId: string, reason?: string): Promise<void> {
    this.record('terminate', instanceId, reason);
    if (!isTerminal(this.existing(instanceId).status)) this.put({ instanceId, status: 'Terminated', output: reason });
  }

  async suspend(instanceId: string, reason?: string): Promise<void> {
    this.record('suspend', instanceId, reason);
    this.transition(instanceId, 'Running', 'Suspended', 'suspend');
  }

  async resume(instanceId: string, reason?: string): Promise<void> {
    this.record('resume', instanceId, reason);
    this.transition(instanceId, 'Suspended', 'Running', 'resume');
  }

  async rewind(instanceId: string, reason?: string): Promise<void> {
    this.record('rewind', instanceId, reason);
    this.transition(instanceId, 'Failed', 'Running', 'rewind');
  }

  async restart(instanceId: string, options?: { newInstanceId?: boolean }): Promise<string> {
    this.record('restart', instanceId, options);
    const state = this.existing(instanceId);
    const id = options?.newInstanceId ? randomBytes(16).toString('hex') : instanceId;
    if (!options?.newInstanceId && !isTerminal(state.status)) throw new InstanceExistsError(instanceId, state.status);
    this.instances.delete(id);
    this.put({ instanceId: id, name: state.name, input: state.input, status: 'Pending' });
    return id;
  }

  async purge(instanceId: string): Promise<number> {
    this.record('purge', instanceId);
    if (this.entities.delete(instanceId)) return 1;
    const state = this.instances.get(instanceId);
    if (!state || !isTerminal(state.status)) return 0;
    this.instances.delete(instanceId);
    return 1;
  }

  async purgeBy(filter: PurgeInstancesFilter): Promise<number> {
    this.record('purgeBy', filter);
    const checked = checkPurgeFilter(filter);
    let deleted = 0;
    for (const state of [...this.instances.values()]) {
      if (checked && matchesInstanceFilter(checked, state) && this.instances.delete(state.instanceId)) deleted++;
    }
    return deleted;
  }

  waitForCompletion(instanceId: string, signal?: AbortSignal): Promise<OrchestrationState | undefined> {
    this.record('waitForCompletion', instanceId);
    return new Promise((resolve) => {
      const check = () => {
        const state = this.instances.get(instanceId);
        if (state && isTerminal(state.status)) finish(state);
      };
      const finish = (state: OrchestrationState | undefined) => {
        this.waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
        resolve(state);
      };
      const onAbort = () => finish(undefined);
      if (signal?.aborted) return resolve(undefined);
      signal?.addEventListener('abort', onAbort);
      this.waiters.add(check);
      check();
    });
  }

  async signalEntity(instanceId: string, operation: string, input?: string, options?: { scheduledTime?: string }): Promise<void> {
    this.record('signalEntity', instanceId, operation, input, options);
  }

  async getEntity(instanceId: string): Promise<EntityState | undefined> {
    return this.entities.get(instanceId);
  }

  async queryEntities(query: EntityQuery): Promise<Page<EntityState>> {
    this.record('queryEntities', query);
    const items = [...this.entities.values()]
      .filter((e) => !query.instanceIdPrefix || e.instanceId.startsWith(query.instanceIdPrefix))
      .map((e) => (query.includeState ? e : { ...e, state: undefined }));
    return { items };
  }

  /** Removes stateless idle entities and clears locks whose holder is unknown or finished, as LocalTaskHub does. */
  async cleanEntityStorage(request: CleanEntityStorageRequest): Promise<CleanEntityStorageResult> {
    this.record('cleanEntityStorage', request);
    const result = { emptyEntitiesRemoved: 0, orphanedLocksReleased: 0 };
    for (const [id, entity] of this.entities) {
      if (request.removeEmptyEntities && entity.state === undefined && !entity.lockedBy && entity.backlogQueueSize === 0) {
        this.entities.delete(id);
        result.emptyEntitiesRemoved++;
      } else if (request.releaseOrphanedLocks && entity.lockedBy) {
        const holder = this.instances.get(entity.lockedBy);
        if (holder && !isTerminal(holder.status)) continue;
        this.entities.set(id, { ...entity, lockedBy: undefined });
        result.orphanedLocksReleased++;
      }
    }
    return result;
  }

  private existing(instanceId: string): OrchestrationState {
    const state = this.instances.get(instanceId);
    if (!state) throw new InstanceNotFoundError(instanceId);
    return state;
  }

  private transition(instanceId: string, from: RuntimeStatus, to: RuntimeStatus, action: string): void {
    const state = this.existing(instanceId);
    if (state.status === from) {
      this.put({ instanceId, status: to });
      return;
    }
    // As LocalTaskHub: only suspending or resuming an unfinished instance in the wrong status is OperationNotApplicable.
    if (action === 'rewind' || isTerminal(state.status)) throw new InvalidInstanceStateError(instanceId, state.status, action);
    throw new OperationNotApplicableError(instanceId, state.status, action);
  }

  private record(op: string, ...args: unknown[]): void {
    this.calls.push({ op, args });
  }

  /** Distinct, increasing times (ms precision), so ordering and time formatting are visible in tests. */
  private nextTime(): string {
    this.tick += 1001;
    return new Date(this.tick).toISOString();
  }
}
