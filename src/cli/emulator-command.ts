// `durable-runtime emulator`: a Durable Task Scheduler emulator without Docker (docs/emulator.md). gRPC on --port,
// the dashboard of its task hubs on --dashboard-port (this machine only unless --dashboard-host), task hubs on the memory backend (like the Docker image) or on Azure Storage
// (state kept across restarts; Azurite is started when the connection is development storage).

import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '../core';
import { MemoryBackend } from '../backends/memory';
import { createAzureStorageBackend, ensureDevelopmentStorage, InvalidTaskHubNameError, validateTaskHubName, type AppSettings } from '../backends/azure-storage';
import { SchedulerEmulator, DEFAULT_TASK_HUB } from '../emulator';
import { listenHubsDashboard } from '../dashboard';
import { LocalTaskHub } from '../taskhub/local';
import type { Backend } from '../backends';
import { formatOptions, parseOptions, UsageError, type OptionSpec } from './arguments';
import type { ConsoleLogger } from './console-logger';

export const DEFAULT_EMULATOR_PORT = 8080;
export const DEFAULT_DASHBOARD_PORT = 8082;
/** The Docker image's variable for a fixed list of task hubs (specs/backends.md B8). */
export const TASK_HUB_NAMES_ENV = 'DTS_TASK_HUB_NAMES';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'port', alias: 'p', value: 'number', description: `gRPC port (default ${DEFAULT_EMULATOR_PORT})` },
  { name: 'dashboard-port', value: 'number', description: `Port of the dashboard (default ${DEFAULT_DASHBOARD_PORT})` },
  {
    name: 'dashboard-host',
    value: 'string',
    placeholder: '<address>',
    description: 'Address the dashboard binds (default 127.0.0.1: this machine only). Any other opens it, without a key, to whoever reaches it',
  },
  { name: 'backend', value: 'string', placeholder: '<name>', description: 'memory (default; state is gone when it stops) or AzureStorage (kept across restarts)' },
  { name: 'task-hubs', value: 'string', placeholder: '<a,b>', description: `The only task hubs to serve (default: ${TASK_HUB_NAMES_ENV}, else any hub, created on first use)` },
  { name: 'verbose', description: 'Show debug logs' },
  { name: 'help', alias: 'h', description: 'Show this help' },
];

const USAGE = `Usage: durable-runtime emulator [options]

Runs a Durable Task Scheduler emulator: the TaskHubSidecarService gRPC API (plaintext HTTP/2) that the Durable
Task SDKs and Durable Functions' azureManaged provider use, without Docker. Connect with
  Endpoint=http://localhost:<port>;Authentication=None;TaskHub=<hub>
The task hub comes from each call's 'taskhub' header ('default' when absent). With --backend AzureStorage the
connection is AzureWebJobsStorage (default UseDevelopmentStorage=true, which starts the bundled Azurite with its
data in ./.azurite).

Options:
${formatOptions(OPTIONS)}`;

type EmulatorBackend = 'memory' | 'AzureStorage';

export async function emulatorCommand(argv: readonly string[], logger: ConsoleLogger): Promise<{ stopped: Promise<void> } | undefined> {
  const options = parseOptions('emulator', argv, OPTIONS);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  if (options.verbose) logger.useHostJsonLevel('debug');
  const port = portOption(options.port, '--port', DEFAULT_EMULATOR_PORT);
  const dashboardPort = portOption(options['dashboard-port'], '--dashboard-port', DEFAULT_DASHBOARD_PORT);
  const backend = backendOption(options.backend as string | undefined);
  const dashboardHost = (options['dashboard-host'] as string | undefined) || undefined;
  const taskHubs = taskHubList((options['task-hubs'] as string | undefined) ?? process.env[TASK_HUB_NAMES_ENV]);

  const storage = await openStorage(backend, port, logger);
  const emulator = new SchedulerEmulator({
    taskHubs,
    logger,
    openTaskHub: async (name) => {
      const hub = new LocalTaskHub({ backend: storage.backendFor(name), name, logger });
      await hub.start();
      return hub;
    },
  });
  let dashboard: Awaited<ReturnType<typeof listenHubsDashboard>> | undefined;
  try {
    const bound = await emulator.listen(port);
    dashboard = await listenHubsDashboard({ hubs: () => emulator.hubs.opened(), backend: storage.label, port: dashboardPort, host: dashboardHost, logger });
    const hub = taskHubs?.[0] ?? DEFAULT_TASK_HUB;
    logger.info(
      [
        `Durable Task Scheduler emulator listening on localhost:${bound} (gRPC, plaintext HTTP/2).`,
        `  Connection string: Endpoint=http://localhost:${bound};Authentication=None;TaskHub=${hub}`,
        `  Task hubs: ${taskHubs ? taskHubs.join(', ') : `created on first use ('${DEFAULT_TASK_HUB}' when a call names none)`}`,
        `  Backend: ${storage.description}`,
        `  Dashboard: ${dashboard.url} ${dashboard.local ? '(this machine only)' : '(open to whoever reaches this address)'}`,
        'Press Ctrl+C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    await emulator.stop().catch(() => undefined);
    await dashboard?.close();
    await storage.close();
    throw error;
  }
  const running = dashboard;
  return {
    stopped: stopOnSignals(logger, async () => {
      await emulator.stop();
      await running.close();
      await storage.close();
    }),
  };
}

interface EmulatorStorage {
  backendFor(hubName: string): Backend;
  /** The backend's name in the dashboard's header. */
  label: string;
  description: string;
  close(): Promise<void>;
}

async function openStorage(backend: EmulatorBackend, port: number, logger: Logger): Promise<EmulatorStorage> {
  if (backend === 'memory') {
    return { backendFor: () => new MemoryBackend(), label: 'memory', description: 'memory (state lives in this process and is gone when it stops)', close: async () => undefined };
  }
  const settings: AppSettings = { ...process.env, AzureWebJobsStorage: process.env.AzureWebJobsStorage || 'UseDevelopmentStorage=true' };
  const dataDir = path.resolve('.azurite');
  const azurite = /usedevelopmentstorage\s*=\s*true/i.test(settings.AzureWebJobsStorage ?? '') ? await ensureDevelopmentStorage(dataDir, logger) : undefined;
  const where = !azurite ? 'the storage account of AzureWebJobsStorage' : azurite.startedHere ? `the bundled Azurite, data in ${dataDir}` : `the Azurite already running on port ${azurite.ports.blob}`;
  return {
    backendFor: (hubName) => {
      try {
        validateTaskHubName(hubName);
      } catch (error) {
        // A call naming a hub this backend cannot hold is bad input (INVALID_ARGUMENT), not a server failure.
        if (error instanceof InvalidTaskHubNameError) throw new RangeError(error.message);
        throw error;
      }
      return createAzureStorageBackend({
        settings,
        hubName,
        logger,
        durableTask: { storageProvider: storageProviderSettings(settings) },
        // The same worker id after a restart on this port takes the partition leases back at once (no lease expiry wait).
        workerId: `durable-runtime-emulator:${hostname()}:${port}`,
      });
    },
    label: 'AzureStorage',
    description: `AzureStorage (one set of tables and queues per task hub in ${where}; state is kept across restarts)`,
    close: async () => azurite?.stop(),
  };
}

const STORAGE_PROVIDER_PREFIX = 'azurefunctionsjobhost__extensions__durabletask__storageprovider__';

/**
 * The Azure Storage provider's tuning (queue visibility timeouts, polling interval, partition count) from the
 * settings that override host.json in the Functions host: AzureFunctionsJobHost__extensions__durableTask__storageProvider__<key>.
 */
function storageProviderSettings(settings: AppSettings): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings)
      .filter(([name]) => name.toLowerCase().startsWith(STORAGE_PROVIDER_PREFIX))
      .map(([name, value]) => [name.slice(STORAGE_PROVIDER_PREFIX.length), value]),
  );
}

function portOption(value: unknown, flag: string, fallback: number): number {
  const port = (value as number | undefined) ?? fallback;
  if (port > 65535) throw new UsageError(`${flag} must be from 0 to 65535, but is ${port}.`);
  return port;
}

function backendOption(value: string | undefined): EmulatorBackend {
  if (value === undefined || value.toLowerCase() === 'memory') return 'memory';
  if (value.toLowerCase() === 'azurestorage') return 'AzureStorage';
  throw new UsageError(`--backend must be memory or AzureStorage, but is '${value}'.`);
}

function taskHubList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return names.length > 0 ? [...new Set(names)] : undefined;
}

/** First SIGINT/SIGTERM stops gracefully (streams end with CANCELLED); a second one exits at once. */
function stopOnSignals(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) {
        logger.warn(`${signal} again: exiting at once.`);
        process.exit(1);
      }
      logger.info(`${signal} received: ending worker streams (CANCELLED) and stopping...`);
      stop().then(resolve, (error: unknown) => {
        logger.error(`Stopping failed: ${(error as Error)?.stack ?? String(error)}`);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
