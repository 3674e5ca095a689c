// `durable-runtime start`: load the Functions app in a folder and serve it like `func start`.

import path from 'node:path';
import type { FunctionsHost } from '../functions-host';
import { DEFAULT_PORT, startFunctionsApp, storageProviderTypeOf, type StorageProviderType } from '../durable-extension';
import { formatOptions, parseOptions, UsageError, type OptionSpec } from './arguments';
import type { ConsoleLogger } from './console-logger';
import { nodeVersionWarning } from './node-version';

export const BACKEND_ENV = 'DURABLE_RUNTIME_BACKEND';

export const START_OPTIONS: readonly OptionSpec[] = [
  { name: 'port', alias: 'p', value: 'number', description: `HTTP port (default: local.settings.json Host.LocalHttpPort, else ${DEFAULT_PORT})` },
  { name: 'cwd', value: 'string', placeholder: '<dir>', description: 'The Functions app folder (default: the current directory)' },
  {
    name: 'backend',
    value: 'string',
    placeholder: '<name>',
    description: `Durable storage: memory, AzureStorage or azureManaged (default: ${BACKEND_ENV}, else host.json storageProvider.type)`,
  },
  { name: 'require-keys', description: 'Enforce authLevel with function keys from .durable-runtime/keys.json (created on first use)' },
  { name: 'strict-bindings', description: 'Refuse to start when the app declares a binding durable-runtime does not serve (default: warn)' },
  { name: 'verbose', description: 'Show debug logs' },
  { name: 'help', alias: 'h', description: 'Show this help' },
];

export const START_USAGE = `Usage: durable-runtime start [options]

Runs the Azure Functions app (@azure/functions v4) in a folder, like \`func start\`: HTTP functions on
http://localhost:<port>/<routePrefix>/..., timers on schedule, admin endpoints under /admin, and Durable
Functions (orchestrators, activities, entities, durable clients) with the management API under
/runtime/webhooks/durabletask. With AzureWebJobsStorage=UseDevelopmentStorage=true the AzureStorage backend
uses a running Azurite or starts the bundled one, keeping its data in <app>/.azurite. The azureManaged backend
(Durable Task Scheduler) reads the connection string from DURABLE_TASK_SCHEDULER_CONNECTION_STRING (or host.json
storageProvider.connectionStringName), e.g. Endpoint=http://localhost:8080;Authentication=None, and starts
durable-runtime emulator there when nothing answers on this machine.

Options:
${formatOptions(START_OPTIONS)}`;

export interface RunningHost {
  readonly host: FunctionsHost;
  /** Resolves once a signal has stopped the host. */
  readonly stopped: Promise<void>;
}

export async function startCommand(argv: readonly string[], logger: ConsoleLogger): Promise<RunningHost | undefined> {
  const options = parseOptions('start', argv, START_OPTIONS);
  if (options.help) {
    process.stdout.write(`${START_USAGE}\n`);
    return undefined;
  }
  if (options.verbose) logger.useHostJsonLevel('debug');
  const nodeWarning = nodeVersionWarning(process.version);
  if (nodeWarning) logger.warn(nodeWarning);
  const port = options.port as number | undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`--port must be from 1 to 65535, but is ${port}.`);

  const backend = backendChoice(options.backend as string | undefined, process.env);
  const appDir = path.resolve(String(options.cwd ?? process.cwd()));
  const host = await startFunctionsApp({
    appDir,
    port,
    backend,
    requireKeys: options['require-keys'] === true,
    strictBindings: options['strict-bindings'] === true,
    logger,
    onAppLoaded: (app) => {
      if (!options.verbose) logger.useHostJsonLevel(app.hostConfig.defaultLogLevel);
    },
  });
  return { host, stopped: stopOnSignals(host, logger) };
}

/** `--backend` or DURABLE_RUNTIME_BACKEND, case-insensitive; undefined when neither is given (host.json decides). */
export function backendChoice(flag: string | undefined, env: NodeJS.ProcessEnv): StorageProviderType | undefined {
  const [value, source] = flag !== undefined ? [flag, '--backend'] : [env[BACKEND_ENV], BACKEND_ENV];
  if (value === undefined || value === '') return undefined;
  const choice = storageProviderTypeOf(value);
  if (!choice) throw new UsageError(`${source} must be memory, AzureStorage or azureManaged, but is '${value}'.`);
  return choice;
}

/** First SIGINT/SIGTERM stops gracefully; a second one exits at once. */
function stopOnSignals(host: FunctionsHost, logger: ConsoleLogger): Promise<void> {
  return new Promise((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger.warn(`${signal} again: exiting without waiting for running invocations.`);
        process.exit(1);
      }
      logger.info(`${signal} received: stopping (waiting for running invocations; press Ctrl+C again to exit now)...`);
      host.stop().then(resolve, (error: unknown) => {
        logger.error(`Stopping failed: ${(error as Error)?.stack ?? String(error)}`);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
