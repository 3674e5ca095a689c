// A client for tests: the TaskHub client operations with JSON values instead of serialized strings.

import { isTerminal, toSchedulerId, type EntityId, type HistoryEvent, type RuntimeStatus } from '../core';
import { decodePayload, encodePayload } from '../durable-functions';
import type { OrchestrationState, TaskHubClient } from '../taskhub';

export interface TestOrchestrationStatus {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history?: HistoryEvent[];
}

export interface EntityStateResponse<T> {
  entityExists: boolean;
  entityState?: T;
}

export class TestClient {
  constructor(
    private readonly hub: TaskHubClient,
    private readonly whileWaiting: <T>(work: Promise<T>) => Promise<T>,
  ) {}

  startNew(name: string, options: { input?: unknown; instanceId?: string } = {}): Promise<string> {
    return this.hub.startOrchestration({ name, instanceId: options.instanceId, input: encodePayload(options.input) });
  }

  raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    return this.hub.raiseEvent(instanceId, eventName, encodePayload(data));
  }

  async getStatus(instanceId: string, options: { showHistory?: boolean } = {}): Promise<TestOrchestrationStatus | undefined> {
    const state = await this.hub.getOrchestration(instanceId, { includeHistory: options.showHistory });
    return state && toStatus(state);
  }

  /**
   * Resolves once the instance finishes (Completed, Failed, Terminated, Canceled). With time skipping the clock
   * jumps over timers meanwhile. Rejects after `timeoutMs` of real time with the instance's current status.
   */
  async waitForCompletion(instanceId: string, options: { timeoutMs?: number } = {}): Promise<TestOrchestrationStatus> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const signal = AbortSignal.timeout(timeoutMs);
    const state = await this.whileWaiting(this.hub.waitForCompletion(instanceId, signal));
    if (state && isTerminal(state.status)) return toStatus(state);
    const current = await this.hub.getOrchestration(instanceId);
    const seen = current ? `its status is ${current.status}${current.customStatus ? `, custom status ${current.customStatus}` : ''}` : 'it does not exist';
    throw new Error(`Instance '${instanceId}' did not finish within ${timeoutMs} ms of real time; ${seen}.`);
  }

  terminate(instanceId: string, reason?: string): Promise<void> {
    return this.hub.terminate(instanceId, reason);
  }
  suspend(instanceId: string, reason?: string): Promise<void> {
    return this.hub.suspend(instanceId, reason);
  }
  resume(instanceId: string, reason?: string): Promise<void> {
    return this.hub.resume(instanceId, reason);
  }
  /**
   * Rewinds a Failed instance and resolves once the rewind has been applied (the instance runs again), so a
   * `waitForCompletion` right after it sees the rewound run, not the old failure. As on the real extension the
   * rewind itself is a queued message; only this test client waits for it.
   */
  async rewind(instanceId: string, reason?: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const rewinds = async () => (await this.hub.getOrchestration(instanceId, { includeHistory: true }))?.history?.filter((e) => e.type === 'executionRewound').length ?? 0;
    const before = await rewinds();
    await this.hub.rewind(instanceId, reason);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while ((await rewinds()) === before) {
      if (Date.now() > deadline) throw new Error(`The rewind of '${instanceId}' was not applied within ${options.timeoutMs ?? 30_000} ms of real time.`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  restart(instanceId: string, options: { newInstanceId?: boolean } = {}): Promise<string> {
    return this.hub.restart(instanceId, options);
  }
  purge(instanceId: string): Promise<number> {
    return this.hub.purge(instanceId);
  }

  signalEntity(entity: EntityId, operation: string, input?: unknown): Promise<void> {
    return this.hub.signalEntity(toSchedulerId(entity), operation, encodePayload(input));
  }

  async readEntityState<T = unknown>(entity: EntityId): Promise<EntityStateResponse<T>> {
    const state = await this.hub.getEntity(toSchedulerId(entity));
    if (!state || state.state === undefined) return { entityExists: false };
    return { entityExists: true, entityState: JSON.parse(state.state) as T };
  }
}

/** A stored payload as a plain value: terminate reasons and other plain text stay strings, absent is null. */
function storedValue(value: string | undefined): unknown {
  return decodePayload(value) ?? null;
}

function toStatus(state: OrchestrationState): TestOrchestrationStatus {
  return {
    instanceId: state.instanceId,
    name: state.name,
    runtimeStatus: state.status,
    input: storedValue(state.input),
    output: storedValue(state.output),
    customStatus: storedValue(state.customStatus),
    createdTime: state.createdAt,
    lastUpdatedTime: state.lastUpdatedAt,
    history: state.history,
  };
}
