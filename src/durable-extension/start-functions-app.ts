// Start a Functions app in this process, as `durable-runtime start` does: for users who embed the runtime (a
// container entry point, a test harness) instead of running the CLI.

import path from 'node:path';
import { silentLogger, type Logger } from '../core';
import { FunctionsHost, loadFunctionApp, type FunctionApp, type LocalSettings } from '../functions-host';
import { createDurableExtension, type RuntimeMount } from './durable-extension';
import type { StorageProviderType } from './durable-task-options';

export const DEFAULT_PORT = 7071;

export interface StartFunctionsAppOptions {
  /** The Functions app folder (host.json, local.settings.json, package.json `main`). */
  appDir: string;
  /** Default: local.settings.json Host.LocalHttpPort, else 7071. */
  port?: number;
  /** Durable storage; default host.json `extensions.durableTask.storageProvider.type` (AzureStorage). */
  backend?: StorageProviderType;
  /** Enforce authLevel and the durable webhooks' system key with keys in <appDir>/.durable-runtime/keys.json. */
  requireKeys?: boolean;
  logger?: Logger;
  /** Extra pages under /runtime/ that need the task hub (e.g. a dashboard). */
  mounts?: readonly RuntimeMount[];
  /** Called once the app is loaded, before the host starts (the CLI applies host.json's log level here). */
  onAppLoaded?(app: FunctionApp): void;
}

export async function startFunctionsApp(options: StartFunctionsAppOptions): Promise<FunctionsHost> {
  const logger = options.logger ?? silentLogger;
  const appDir = path.resolve(options.appDir);
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 1 && options.port <= 65535)) {
    throw new RangeError(`The port must be a whole number from 1 to 65535, but is ${options.port}.`);
  }
  const portFor = (settings: LocalSettings) => options.port ?? settings.host.localHttpPort ?? DEFAULT_PORT;
  const app = await loadFunctionApp({ appDir, logger, port: portFor });
  const port = portFor(app.settings);
  options.onAppLoaded?.(app);
  const requireKeys = options.requireKeys === true;
  const host = new FunctionsHost({
    app,
    port,
    requireKeys,
    extensions: [createDurableExtension({ app, logger, storageChoice: options.backend, requireKeys, mounts: options.mounts })],
    logger,
  });
  try {
    await host.start();
  } catch (error) {
    await host.stop().catch(() => undefined);
    throw error;
  }
  return host;
}
