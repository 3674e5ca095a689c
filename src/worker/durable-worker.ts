// Pulls work items from a TaskHub and runs them, within the host.json concurrency limits
// (extensions.durableTask.maxConcurrent{Orchestrator,Activity,Entity}Functions). Anything that cannot be
// finished is abandoned, so the task hub offers it again; nothing is dropped.

import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage, type Logger, type WorkItem, type WorkItemKind } from '../core';
import type { TaskHubWorkSource } from '../taskhub';
import { ConcurrencyLimit } from './concurrency-limit';
import type { BuiltInActivityDeps } from './built-in-activities';
import type { FunctionInvoker } from './function-invoker';
import { runActivityWorkItem, runEntityWorkItem, runOrchestratorWorkItem } from './work-item-runners';

export interface WorkerConcurrency {
  orchestrator: number;
  activity: number;
  entity: number;
}

export interface DurableWorkerOptions {
  taskHub: TaskHubWorkSource;
  app: FunctionInvoker;
  concurrency: WorkerConcurrency;
  logger: Logger;
  /** What the built-in activities use, e.g. callHttp's poll interval from host.json. */
  builtInActivities?: BuiltInActivityDeps;
}

const KINDS: readonly WorkItemKind[] = ['orchestrator', 'activity', 'entity'];

export class DurableWorker {
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loops: Promise<void>[] = [];
  private started = false;

  constructor(private readonly options: DurableWorkerOptions) {}

  /** Work items being run right now. */
  get activeCount(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const kind of KINDS) this.loops.push(this.pull(kind, new ConcurrencyLimit(this.options.concurrency[kind])));
  }

  /** Stops taking work and waits for the items already running to finish (drain). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.inFlight]);
  }

  private async pull(kind: WorkItemKind, limit: ConcurrencyLimit): Promise<void> {
    const kinds = new Set([kind]);
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      if (!limit.tryAcquire()) await limit.acquire();
      let item: WorkItem | undefined;
      try {
        item = await this.options.taskHub.nextWorkItem(kinds, signal);
      } catch (error) {
        limit.release();
        if (signal.aborted) break;
        this.options.logger.error(`Fetching ${kind} work failed: ${errorMessage(error)}`);
        await delay(1000, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (!item) {
        limit.release();
        continue;
      }
      const run = this.run(item).finally(() => {
        this.inFlight.delete(run);
        limit.release();
      });
      this.inFlight.add(run);
    }
  }

  private async run(item: WorkItem): Promise<void> {
    const { taskHub, app, logger } = this.options;
    try {
      switch (item.kind) {
        case 'orchestrator':
          await taskHub.completeOrchestratorWorkItem(await runOrchestratorWorkItem(app, item));
          break;
        case 'activity':
          await taskHub.completeActivityWorkItem(await runActivityWorkItem(app, item, this.options.builtInActivities));
          break;
        case 'entity':
          await taskHub.completeEntityWorkItem(await runEntityWorkItem(app, item));
          break;
      }
    } catch (error) {
      const reason = errorMessage(error);
      logger.error(`${item.kind} work item for '${item.instanceId}' could not be finished and was given back: ${reason}`);
      await taskHub.abandonWorkItem(item, reason).catch((abandonError) =>
        logger.error(`Giving back the ${item.kind} work item for '${item.instanceId}' failed too: ${errorMessage(abandonError)}`),
      );
    }
  }
}
