// host.json `extensions.durableTask`: the settings durable-runtime reads, validated with messages that name the
// key and the expected form. Defaults follow the Durable extension (10 × cores for concurrency, specs/backends.md A9).

import { availableParallelism } from 'node:os';
import type { WorkerConcurrency } from '../worker';
import { DurableRuntimeError, parseTimeSpan } from '../core';
import { DEFAULT_HTTP_ASYNC_SLEEP_MS } from '../durable-functions';

export type StorageProviderType = 'AzureStorage' | 'azureManaged' | 'memory';

export interface DurableTaskOptions {
  hubName?: string;
  storageProvider: {
    type: StorageProviderType;
    /** AzureStorage: app setting with the connection (default AzureWebJobsStorage). */
    connectionName?: string;
    /** azureManaged: app setting with the Scheduler connection string. */
    connectionStringName?: string;
    partitionCount?: number;
    maxQueuePollingIntervalMs?: number;
    /** Raw provider section, for backend-specific settings. */
    raw: Record<string, unknown>;
  };
  /** maxConcurrent{Orchestrator,Activity,Entity}Functions. */
  concurrency: WorkerConcurrency;
  /**
   * `httpSettings.defaultAsyncRequestSleepTimeMilliseconds`: how long callHttp waits before polling a 202 that has no
   * Retry-After (the extension's HttpOptions, default 30,000 ms).
   */
  httpAsyncRequestSleepMs: number;
}

export class DurableTaskOptionsError extends DurableRuntimeError {
  /** `problem` says what is wrong and what to do, e.g. `must be a string, but is 3.` */
  constructor(source: string, key: string, problem: string) {
    super(`${source}: extensions.durableTask.${key} ${problem}`);
  }
}

/**
 * Reads `extensions.durableTask` (already %NAME%-substituted and overridden by the host). `source` names the file for
 * errors. `typeOverride` (`--backend`, or the test environment's memory) replaces `storageProvider.type` as an
 * AzureFunctionsJobHost__ override of it would, so an app whose host.json names a provider that cannot run here
 * still runs on one that can.
 */
export function parseDurableTaskOptions(section: unknown, source = 'host.json', typeOverride?: StorageProviderType): DurableTaskOptions {
  const durableTask = asObject(section ?? {}, source, '', 'an object');
  const provider = asObject(durableTask.storageProvider ?? {}, source, 'storageProvider', 'an object');
  const httpSettings = asObject(durableTask.httpSettings ?? {}, source, 'httpSettings', 'an object');
  const concurrencyDefault = 10 * availableParallelism();
  const count = (key: string) => positiveInteger(durableTask[key], source, key) ?? concurrencyDefault;
  return {
    hubName: optionalString(durableTask.hubName, source, 'hubName'),
    storageProvider: {
      type: typeOverride ?? providerType(provider.type, source),
      connectionName: optionalString(provider.connectionName ?? provider.connectionStringName, source, 'storageProvider.connectionName'),
      connectionStringName: optionalString(provider.connectionStringName, source, 'storageProvider.connectionStringName'),
      partitionCount: positiveInteger(provider.partitionCount, source, 'storageProvider.partitionCount'),
      maxQueuePollingIntervalMs: timeSpanMs(provider.maxQueuePollingInterval, source, 'storageProvider.maxQueuePollingInterval'),
      raw: provider,
    },
    concurrency: {
      orchestrator: count('maxConcurrentOrchestratorFunctions'),
      activity: count('maxConcurrentActivityFunctions'),
      entity: count('maxConcurrentEntityFunctions'),
    },
    httpAsyncRequestSleepMs:
      positiveInteger(httpSettings.defaultAsyncRequestSleepTimeMilliseconds, source, 'httpSettings.defaultAsyncRequestSleepTimeMilliseconds') ??
      DEFAULT_HTTP_ASYNC_SLEEP_MS,
  };
}

const PROVIDER_TYPES: Record<string, StorageProviderType> = {
  azurestorage: 'AzureStorage',
  azuremanaged: 'azureManaged',
  memory: 'memory',
};

/** A storage provider type as spelled anywhere (host.json, --backend), case-insensitive. */
export function storageProviderTypeOf(value: string): StorageProviderType | undefined {
  return PROVIDER_TYPES[value.toLowerCase()];
}

/** Providers of the real Durable extension that durable-runtime does not run, by their host.json `type`. */
const OTHER_PROVIDERS: Record<string, string> = { mssql: 'the Durable Task SQL Server provider', netherite: 'the Netherite provider' };

function providerType(value: unknown, source: string): StorageProviderType {
  if (value === undefined || value === null || value === '') return 'AzureStorage';
  const type = typeof value === 'string' ? storageProviderTypeOf(value) : undefined;
  if (type) return type;
  if (typeof value !== 'string') throw new DurableTaskOptionsError(source, 'storageProvider.type', mustBe('a provider name such as "AzureStorage"', value));
  const known = OTHER_PROVIDERS[value.toLowerCase()];
  throw new DurableTaskOptionsError(
    source,
    'storageProvider.type',
    `is "${value}"${known ? ` (${known})` : ''}, which durable-runtime does not run. Supported: --backend memory|AzureStorage|azureManaged. ` +
      `Start with one of those; host.json can keep "${value}" for Azure.`,
  );
}

function mustBe(expected: string, actual: unknown): string {
  return `must be ${expected}, but is ${JSON.stringify(actual)}.`;
}

function asObject(value: unknown, source: string, key: string, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DurableTaskOptionsError(source, key || '(section)', mustBe(expected, value));
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, source: string, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new DurableTaskOptionsError(source, key, mustBe('a string', value));
  return value;
}

function positiveInteger(value: unknown, source: string, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) throw new DurableTaskOptionsError(source, key, mustBe('a whole number of at least 1', value));
  return number;
}

function timeSpanMs(value: unknown, source: string, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
  if (ms === undefined || ms < 0) throw new DurableTaskOptionsError(source, key, mustBe('a time span like "00:00:30"', value));
  return ms;
}
