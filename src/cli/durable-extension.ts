// The Durable extension of `durable-runtime start`, as the real host loads Microsoft.Azure.WebJobs.Extensions.
// DurableTask: the task hub on the chosen backend, the worker that runs orchestrator, activity and entity
// functions, the HTTP management API under /runtime/webhooks/durabletask, and the `durableClient` input binding.

import type { Logger } from '../core';
import { createDashboard, dashboardAccess, DASHBOARD_PATH, type DashboardHandler } from '../dashboard';
import type { FunctionApp, HostExtension } from '../functions-host';
import { DurableHttpApi } from '../http-api';
import { LocalTaskHub } from '../taskhub/local';
import { DurableWorker, findFunction, parseDurableTaskOptions, type StorageProviderType } from '../worker';
import { openDurableBackend, type DurableBackend } from './durable-backend';

/** The system key the extension's webhooks use (specs/durable-functions-protocol.md §7). */
const SYSTEM_KEY_NAME = 'durabletask_extension';

const TRIGGER_TYPES = ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'];
const BINDING_TYPES = new Set([...TRIGGER_TYPES, 'durableClient'].map((type) => type.toLowerCase()));

/** The extension needs storage only for apps that use it, as a plain HTTP app on the real host needs none. */
function usesDurable(app: FunctionApp): boolean {
  return app.functions.some((fn) => Object.values(fn.bindings).some((binding) => BINDING_TYPES.has(binding.type.toLowerCase())));
}

export interface DurableExtensionOptions {
  app: FunctionApp;
  /** `--backend` / DURABLE_RUNTIME_BACKEND; undefined means host.json decides. */
  backendChoice: StorageProviderType | undefined;
  requireKeys: boolean;
  logger: Logger;
}

interface Running {
  readonly storage: DurableBackend;
  readonly taskHub: LocalTaskHub;
  readonly api: DurableHttpApi;
  readonly worker: DurableWorker;
  readonly dashboard: DashboardHandler;
}

export function createDurableExtension(options: DurableExtensionOptions): HostExtension {
  const { app, logger } = options;
  let running: Running | undefined;

  return {
    name: 'DurableTask',
    triggerTypes: TRIGGER_TYPES,
    systemKeyName: SYSTEM_KEY_NAME,

    async start({ baseUrl, systemKey }) {
      if (!usesDurable(app)) return;
      const durableTask = parseDurableTaskOptions(app.hostConfig.durableTask, app.hostConfig.source);
      const storage = await openDurableBackend({ app, durableTask, choice: options.backendChoice, logger });
      const taskHub = new LocalTaskHub({ backend: storage.backend, logger, name: storage.hubName });
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
        logger,
      });
      await api.start();
      app.provideInputBinding('durableClient', () => api.clientPayload());
      const worker = new DurableWorker({ taskHub, app, concurrency: durableTask.concurrency, logger });
      worker.start();
      const dashboard = createDashboard({
        taskHub,
        backend: storage.type,
        orchestrators: () => app.functions.filter((fn) => Object.values(fn.bindings).some((b) => b.type.toLowerCase() === 'orchestrationtrigger')).map((fn) => fn.name),
        access: dashboardAccess({ systemKey: options.requireKeys ? systemKey : undefined }),
        logger,
      });
      running = { storage, taskHub, api, worker, dashboard };
      logger.info(`Durable backend: ${storage.description}`);
      logger.info(`Dashboard: ${baseUrl}${DASHBOARD_PATH}/${options.requireKeys ? ' (asks for the durabletask_extension system key)' : ' (this machine only)'}`);
    },

    handleHttp: async (req, res) => (running ? (await running.api.handle(req, res)) || running.dashboard(req, res) : false),

    async stop() {
      const current = running;
      if (!current) return;
      running = undefined;
      // Finish running work first: its results go to the task hub, and its durable clients call the API.
      await current.worker.stop();
      await current.api.stop();
      await current.taskHub.stop();
      await current.storage.close();
    },
  };
}
