// env.client: the durable client the app's `durableClient` binding gets — built by the app's own durable-functions
// from the same binding payload, so it calls the same HTTP API (answered in-process: in-process-rpc.ts) — plus what a test needs on top: waiting (with time
// skipping) for an instance to finish or to reach a status, and reading its history.

import type * as df from 'durable-functions';
import { isTerminal } from '../core';
import { requireFromApp, type FunctionApp } from '../functions-host';
import type { DurableClientPayload } from '../http-api';
import type { TaskHubClient } from '../taskhub';
import { answerInProcess, type AnswerRpc } from './in-process-rpc';

export interface WaitOptions {
  /** Real time before the wait gives up, with the instance's current status (default 30 s). */
  timeoutMs?: number;
}

export interface TestDurableClient extends df.DurableClient {
  /**
   * Resolves with the instance's status once it is Completed, Failed, Terminated or Canceled. With time skipping the
   * clock jumps over timers meanwhile.
   */
  waitForCompletion(instanceId: string, options?: WaitOptions & df.GetStatusOptions): Promise<df.DurableOrchestrationStatus>;
  /** Resolves with the first status `accept` takes. With time skipping the clock jumps, but never past such a status. */
  waitForStatus(
    instanceId: string,
    accept: (status: df.DurableOrchestrationStatus) => boolean,
    options?: WaitOptions,
  ): Promise<df.DurableOrchestrationStatus>;
  /** The instance's history as the HTTP API shows it (`showHistory=true&showHistoryOutput=true`). */
  getHistory(instanceId: string): Promise<unknown[]>;
  /**
   * The client's rewind, but resolving once the rewind has been applied (the instance runs again), so a
   * `waitForCompletion` right after it sees the rewound run, not the old failure. As on the real extension the rewind
   * itself is a queued message; only this test client waits for it.
   */
  rewind(instanceId: string, reason: string): Promise<void>;
}

/** Runs `work` with time skipping (or as is without it); the clock never jumps while `stillWaiting` says false. */
export type WhileWaiting = <T>(work: Promise<T>, stillWaiting: () => Promise<boolean>) => Promise<T>;

const DEFAULT_TIMEOUT_MS = 30_000;
const POLL_MS = 5;

export function createTestDurableClient(options: {
  app: FunctionApp;
  payload: () => DurableClientPayload;
  taskHub: TaskHubClient;
  whileWaiting: WhileWaiting;
  /** Answers the client's calls to the RPC endpoint in-process (in-process-rpc.ts). */
  answerRpc: AnswerRpc;
}): TestDurableClient {
  const { app, taskHub, whileWaiting } = options;
  // getClient as the app's HTTP starters call it, with a context whose durableClient input is the binding payload.
  const durable = requireFromApp(app.appDir, 'durable-functions') as typeof df;
  const clientInput = durable.input.durableClient();
  const client = durable.getClient({
    options: { extraInputs: [clientInput] },
    extraInputs: { get: () => options.payload() },
  } as never);
  answerInProcess(client, options.answerRpc, app.appDir);

  const exists = async (instanceId: string) => {
    if (!(await taskHub.getOrchestration(instanceId))) throw new Error(`There is no orchestration instance '${instanceId}' to wait for.`);
  };
  const timedOut = async (instanceId: string, timeoutMs: number, what: string) => {
    const current = await client.getStatus(instanceId).catch(() => undefined);
    const seen = current ? `its status is ${current.runtimeStatus}${current.customStatus ? `, custom status ${JSON.stringify(current.customStatus)}` : ''}` : 'it no longer exists';
    return new Error(`Instance '${instanceId}' did not ${what} within ${timeoutMs} ms of real time; ${seen}.`);
  };

  const rewinds = async (instanceId: string) =>
    (await taskHub.getOrchestration(instanceId, { includeHistory: true }))?.history?.filter((e) => e.type === 'executionRewound').length ?? 0;
  const rewind = client.rewind.bind(client);

  const conveniences: Omit<TestDurableClient, Exclude<keyof df.DurableClient, 'rewind'>> = {
    async waitForCompletion(instanceId, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      await exists(instanceId);
      const finished = async () => isTerminal((await taskHub.getOrchestration(instanceId))?.status ?? 'Pending');
      const state = await whileWaiting(taskHub.waitForCompletion(instanceId, AbortSignal.timeout(timeoutMs)), async () => !(await finished()));
      if (!state || !isTerminal(state.status)) throw await timedOut(instanceId, timeoutMs, 'finish');
      const { timeoutMs: _timeout, ...statusOptions } = waitOptions;
      return client.getStatus(instanceId, statusOptions);
    },

    async waitForStatus(instanceId, accept, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      await exists(instanceId);
      const deadline = Date.now() + timeoutMs;
      const poll = async (): Promise<df.DurableOrchestrationStatus> => {
        for (;;) {
          const status = await client.getStatus(instanceId);
          if (accept(status)) return status;
          if (Date.now() > deadline) throw await timedOut(instanceId, timeoutMs, 'reach the awaited status');
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      };
      return whileWaiting(poll(), async () => !accept(await client.getStatus(instanceId)));
    },

    async rewind(instanceId, reason) {
      const before = await rewinds(instanceId);
      await rewind(instanceId, reason);
      const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
      while ((await rewinds(instanceId)) === before) {
        if (Date.now() > deadline) throw new Error(`The rewind of '${instanceId}' was not applied within ${DEFAULT_TIMEOUT_MS} ms of real time.`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },

    async getHistory(instanceId) {
      return (await client.getStatus(instanceId, { showHistory: true, showHistoryOutput: true })).history ?? [];
    },
  };
  return Object.assign(client, conveniences);
}
