// Builds the Azure Storage backend from what a Function App has: its app settings (environment plus
// local.settings.json Values) and host.json's `extensions.durableTask` section, resolved the way the Functions
// host and the Durable extension do.

import { join } from 'node:path';
import type { Clock, Logger } from '../../core';
import { ensureDevelopmentStorage, type AzuriteInstance } from './azurite-launcher';
import { AzureStorageBackend } from './azure-storage-backend';
import { tuningFromStorageProvider, type AzureStorageTuning } from './azure-storage-options';
import { DEFAULT_CONNECTION_NAME, resolveStorageConnection, type AppSettings } from './storage-connection';
import { sanitizeTaskHubName, validateTaskHubName, InvalidTaskHubNameError } from './task-hub-names';
import type { StorageTransactionCounter } from './transaction-counter';
import { withoutUndefined } from './without-undefined';

/** host.json `extensions.durableTask` (only what this backend reads). */
export interface DurableTaskHostSettings {
  hubName?: string;
  storageProvider?: Record<string, unknown>;
}

export interface CreateAzureStorageBackendOptions extends Partial<AzureStorageTuning> {
  /** App settings: process.env merged with local.settings.json `Values`. */
  settings: AppSettings;
  /** host.json `extensions.durableTask`. */
  durableTask?: DurableTaskHostSettings;
  /** Overrides host.json's hub name (e.g. a CLI flag). */
  hubName?: string;
  clock?: Clock;
  logger?: Logger;
  workerId?: string;
  transactionCounter?: StorageTransactionCounter;
}

/** The default the extension uses when host.json names no hub (DurableTaskOptions.HubName). */
const DEFAULT_HUB_NAME = 'TestHubName';

export function createAzureStorageBackend(options: CreateAzureStorageBackendOptions): AzureStorageBackend {
  const { settings, durableTask = {}, hubName, ...rest } = options;
  const storageProvider = durableTask.storageProvider ?? {};
  const connectionName = connectionNameOf(storageProvider);
  return new AzureStorageBackend({
    ...tuningFromStorageProvider(storageProvider),
    ...withoutUndefined({ ...rest }),
    connection: resolveStorageConnection(settings, connectionName),
    hubName: hubName ?? resolveTaskHubName(durableTask.hubName, settings),
  });
}

/**
 * The embedded default: when the app's storage connection is `UseDevelopmentStorage=true`, makes sure Azurite
 * runs (a running one on the standard ports, else the bundled one with its data in `<appDir>/.azurite`).
 * Returns the started Azurite to stop on shutdown, or undefined when the app uses other storage.
 */
export async function ensureDevelopmentStorageFor(options: {
  settings: AppSettings;
  durableTask?: DurableTaskHostSettings;
  appDir: string;
  logger?: Logger;
}): Promise<AzuriteInstance | undefined> {
  const name = connectionNameOf(options.durableTask?.storageProvider ?? {});
  const value = options.settings[name] ?? options.settings[`AzureWebJobs${name}`];
  if (!value || !/usedevelopmentstorage\s*=\s*true/i.test(value)) return undefined;
  return ensureDevelopmentStorage(join(options.appDir, '.azurite'), options.logger);
}

/** `storageProvider.connectionName` (or the older `connectionStringName`), default `AzureWebJobsStorage`. */
export function connectionNameOf(storageProvider: Record<string, unknown>): string {
  const name = storageProvider.connectionName ?? storageProvider.connectionStringName;
  return typeof name === 'string' && name.trim() !== '' ? name : DEFAULT_CONNECTION_NAME;
}

/**
 * The task hub name: host.json `hubName` with `%SETTING%` tokens replaced by app settings, else the site name
 * (sanitized), else "TestHubName"; validated by the extension's rules.
 */
export function resolveTaskHubName(configured: string | undefined, settings: AppSettings): string {
  if (configured === undefined || configured === '') {
    const site = settings.WEBSITE_SITE_NAME;
    return site ? sanitizeTaskHubName(site) : DEFAULT_HUB_NAME;
  }
  const resolved = configured.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = settings[name];
    if (value === undefined || value === '') {
      throw new InvalidTaskHubNameError(configured, `the app setting ${name} it refers to is not set (add it to local.settings.json Values or the environment)`);
    }
    return value;
  });
  validateTaskHubName(resolved);
  return resolved;
}
