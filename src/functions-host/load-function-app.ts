// Loads a Functions v4 app in this process, in the order `func start` and the Node worker use
// (specs/functions-host.md §5): environment, host.json, the core module, entry points, appStart hooks, capabilities.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../core';
import { CoreApi, useCoreApi } from './core-api';
import { freshModuleScope, loadEntryPoint, readAppPackage, resolveEntryPoints } from './entry-points';
import { AppLoadError } from './errors';
import { LoadedFunctionApp, writeLog, type FunctionApp } from './function-app';
import { readHostConfig } from './host-config';
import { hostConfigWarnings } from './host-config-warnings';
import { recordEnvironmentWrites } from './environment-writes';
import { applyLocalSettings, readLocalSettings, type LocalSettings } from './local-settings';
import { nativeEnv } from './native-runtime';
import { processWide } from './process-wide-state';

export interface LoadFunctionAppOptions {
  appDir: string;
  logger?: Logger;
  /**
   * The HTTP port the app will be served on, or how to choose it from local.settings.json; sets WEBSITE_HOSTNAME,
   * which durable-functions uses for its URLs (§12).
   */
  port?: number | ((settings: LocalSettings) => number);
}

/** The worker's default capabilities (§5 step 5). */
const WORKER_CAPABILITIES: Readonly<Record<string, string>> = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};


/**
 * Loads the app in `appDir`: its registrations go to a fresh registry, its modules (and the @azure/functions /
 * durable-functions copies it resolves) are evaluated afresh. Loads are serialized: the core module answers one load at a time.
 */
export function loadFunctionApp(options: LoadFunctionAppOptions): Promise<FunctionApp> {
  const load = processWide.loading.then(() => loadNow(options));
  processWide.loading = load.catch(() => undefined);
  return load;
}

async function loadNow(options: LoadFunctionAppOptions): Promise<LoadedFunctionApp> {
  const appDir = path.resolve(options.appDir);
  const logger = options.logger ?? silentLogger;
  const isFolder = await stat(appDir).then((s) => s.isDirectory(), () => false);
  if (!isFolder) throw new AppLoadError(`The app folder ${appDir} does not exist. Pass the folder that holds the app's host.json and package.json.`);

  const env = nativeEnv;
  const settings = await readLocalSettings(appDir);
  const restoreEnvironment = recordEnvironmentWrites(env, (written) => {
    applyLocalSettings(settings, written, processWide.settingsSetByHost, logger);
    // func sets these for every app (§5 step 1).
    const port = typeof options.port === 'function' ? options.port(settings) : options.port;
    if (port !== undefined) written.WEBSITE_HOSTNAME = `localhost:${port}`;
    written.AzureWebJobsScriptRoot = appDir;
    written.AZURE_FUNCTIONS_ENVIRONMENT = 'Development';
    written.FUNCTIONS_WORKER_RUNTIME ??= 'node';
  });
  try {
    return await loadWithEnvironment(appDir, env, settings, logger, restoreEnvironment);
  } catch (error) {
    restoreEnvironment();
    throw error;
  }
}

async function loadWithEnvironment(
  appDir: string,
  env: NodeJS.ProcessEnv,
  settings: LocalSettings,
  logger: Logger,
  restoreEnvironment: () => void,
): Promise<LoadedFunctionApp> {
  const hostConfig = await readHostConfig(appDir, env);
  for (const warning of hostConfigWarnings(hostConfig)) logger.warn(warning);

  const pkg = await readAppPackage(appDir);
  const entryPoints = await resolveEntryPoints(appDir, pkg);

  let app: LoadedFunctionApp | undefined;
  const coreApi = new CoreApi((level, category, message) => (app ? app.log(level, category, message) : writeLog(logger, level, category, message)));
  useCoreApi(coreApi);
  const recordModules = freshModuleScope(appDir);
  try {
    for (const file of entryPoints) {
      coreApi.currentEntryPoint = file;
      await loadEntryPoint(appDir, file, pkg);
    }
  } finally {
    coreApi.currentEntryPoint = undefined;
    coreApi.lock();
    recordModules();
  }

  if (coreApi.programmingModels.length > 1) {
    logger.warn(
      `The app loaded ${coreApi.programmingModels.length} copies of @azure/functions; functions registered through different copies may not work together. ` +
        'Deduplicate it (`npm dedupe`) so there is exactly one copy.',
    );
  }
  const programmingModel = coreApi.getProgrammingModel();
  if (coreApi.registrations.size === 0) {
    logger.warn(
      `No functions found in ${appDir}. The files matched by "main" in package.json (${pkg.main}) must register functions through @azure/functions, e.g. app.http(...).`,
    );
  }

  app = new LoadedFunctionApp(appDir, hostConfig, settings, coreApi, programmingModel, logger, restoreEnvironment);
  await app.runAppStartHooks();
  // Capabilities lock app.setup() and, for streaming apps, start the library's HTTP proxy (§5 step 5, §10).
  const capabilities = (await programmingModel?.getCapabilities?.({ ...WORKER_CAPABILITIES })) ?? { ...WORKER_CAPABILITIES };
  Object.assign(app.capabilities, capabilities);
  return app;
}
