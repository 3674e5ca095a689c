// The Durable extension, as the real host loads Microsoft.Azure.WebJobs.Extensions.DurableTask: the task hub on
// the chosen storage, the worker that runs orchestrator, activity and entity functions, the HTTP management API
// under /runtime/webhooks/durabletask, the `durableClient` input binding, and any other /runtime/... pages that
// need the task hub (mounts, e.g. a dashboard). `durable-runtime start` and createTestEnvironment both run this.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../core';
import type { FunctionApp, HostExtension } from '../functions-host';
import { DurableHttpApi } from '../http-api';
import type { TaskHub } from '../taskhub';
import { DurableWorker, findFunction, type FunctionInvoker } from '../worker';
import { parseDurableTaskOptions, type DurableTaskOptions, type StorageProviderType } from './durable-task-options';
import { openDurableStorage, type DurableStorage, type StorageProvider } from './storage-providers';

/** The system key the extension's webhooks use (specs/durable-functions-protocol.md §7). */
const SYSTEM_KEY_NAME = 'durabletask_extension';

const TRIGGER_TYPES = ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'];
const BINDING_TYPES = new Set([...TRIGGER_TYPES, 'durableClient'].map((type) => type.toLowerCase()));

/** The extension needs storage only for apps that use it, as a plain HTTP app on the real host needs none. */
function usesDurable(app: FunctionApp): boolean {
  return app.functions.some((fn) => Object.values(fn.bindings).some((binding) => BINDING_TYPES.has(binding.type.toLowerCase())));
}

/** What a mount (and a test) can reach once the extension runs. */
export interface RunningDurableExtension {
  readonly app: FunctionApp;
  readonly durableTask: DurableTaskOptions;
  readonly taskHub: TaskHub;
  readonly api: DurableHttpApi;
  readonly worker: DurableWorker;
  /** Where the app is served, e.g. `http://localhost:7071`. */
  readonly baseUrl: string;
  /** What the task hub runs on. */
  readonly storage: Pick<DurableStorage, 'description' | 'label'>;
  /** The durabletask_extension system key, when --require-keys asks for keys. */
  readonly systemKey?: string;
  readonly logger: Logger;
}

/** Pages under /runtime/ that need the running task hub, e.g. a dashboard at /runtime/dashboard. */
export interface RuntimeMount {
  /** The path served, e.g. '/runtime/dashboard'; requests to it and below it go to `handle` (case-insensitive). */
  readonly path: string;
  /** Called once the task hub runs, before any request reaches `handle`. */
  start?(extension: RunningDurableExtension): Promise<void>;
  /** Serves one request; `rest` is the path after `path` ('' or starting with '/'), the query excluded. */
  handle(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void>;
  /** Called after the worker has drained, before the task hub stops. */
  stop?(): Promise<void>;
}

export interface DurableExtensionOptions {
  app: FunctionApp;
  /** `--backend` / DURABLE_RUNTIME_BACKEND; undefined means host.json decides. */
  storageChoice?: StorageProviderType;
  /** Opens the storage instead of the chosen provider (createTestEnvironment's memory backend on a test clock). */
  storage?: StorageProvider;
  /** What the worker runs (default: the app's own functions; tests put mocks in front). */
  functions?: FunctionInvoker;
  mounts?: readonly RuntimeMount[];
  requireKeys?: boolean;
  clock?: Clock;
  logger: Logger;
}

export interface DurableExtension extends HostExtension {
  /** The running parts, from start until stop; undefined for an app without durable functions. */
  readonly running: RunningDurableExtension | undefined;
}

export function createDurableExtension(options: DurableExtensionOptions): DurableExtension {
  const { app, logger } = options;
  const mounts = options.mounts ?? [];
  let running: (RunningDurableExtension & { storage: DurableStorage }) | undefined;

  async function start(baseUrl: string, systemKey: string | undefined): Promise<void> {
    const durableTask = parseDurableTaskOptions(app.hostConfig.durableTask, app.hostConfig.source, options.storageChoice);
    const storage = await openDurableStorage({ app, durableTask, choice: options.storageChoice, provider: options.storage, logger });
    const { taskHub } = storage;
    try {
      await taskHub.start();
    } catch (error) {
      await storage.close();
      throw error;
    }
    const api = new DurableHttpApi({
      taskHub,
      origin: baseUrl,
      connectionName: storage.connectionName,
      orchestratorExists: (name) => findFunction(app, name, 'orchestrationTrigger') !== undefined,
      entityExists: (name) => findFunction(app, name, 'entityTrigger') !== undefined,
      requireKeys: options.requireKeys,
      systemKey,
      clock: options.clock,
      logger,
    });
    await api.start();
    app.provideInputBinding('durableClient', () => api.clientPayload());
    const worker = new DurableWorker({
      taskHub,
      app: options.functions ?? app,
      concurrency: durableTask.concurrency,
      builtInActivities: { defaultPollIntervalMs: durableTask.httpAsyncRequestSleepMs },
      logger,
    });
    worker.start();
    const parts = { app, durableTask, taskHub, api, worker, baseUrl, logger, storage, systemKey: options.requireKeys ? systemKey : undefined };
    for (const mount of mounts) await mount.start?.(parts);
    running = parts;
    logger.info(`Durable backend: ${storage.description}`);
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (!running) return false;
    if (await running.api.handle(req, res)) return true;
    const path = (req.url ?? '/').replace(/[?#].*$/, '');
    for (const mount of mounts) {
      const rest = pathBelow(path, mount.path);
      if (rest === undefined) continue;
      await mount.handle(req, res, rest);
      return true;
    }
    return false;
  }

  return {
    name: 'DurableTask',
    triggerTypes: TRIGGER_TYPES,
    systemKeyName: SYSTEM_KEY_NAME,
    get running() {
      return running;
    },

    async start({ baseUrl, systemKey }) {
      if (usesDurable(app)) await start(baseUrl, systemKey);
    },

    handleHttp,

    async stop() {
      const current = running;
      if (!current) return;
      running = undefined;
      // Finish running work first: its results go to the task hub, and its durable clients call the API.
      await current.worker.stop();
      for (const mount of [...mounts].reverse()) await mount.stop?.();
      await current.api.stop();
      await current.taskHub.stop();
      await current.storage.close();
    },
  };
}

/** The rest of `path` below `base` ('' or '/...'), or undefined when `path` is not `base` or below it. */
function pathBelow(path: string, base: string): string | undefined {
  const prefix = base.replace(/\/+$/, '');
  if (!path.toLowerCase().startsWith(prefix.toLowerCase())) return undefined;
  const rest = path.slice(prefix.length);
  return rest === '' || rest.startsWith('/') ? rest : undefined;
}
