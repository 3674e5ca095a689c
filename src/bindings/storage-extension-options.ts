// host.json `extensions.queues` for the storage bindings, with the storage extension's defaults
// (specs/storage-bindings.md §4.2, QueuesOptions.cs). Values may be strings: AzureFunctionsJobHost__* overrides are.

import os from 'node:os';
import { parseTimeSpan } from '../core';
import { HostConfigError, type HostConfig } from '../functions-host';

export interface StorageExtensionOptions {
  /** Messages taken per receive, 1–32 (default 16). */
  readonly batchSize: number;
  /** A new batch is fetched when fewer than this many run; default batchSize/2 × processors. */
  readonly newBatchThreshold: number;
  /** The ceiling of the randomized back-off while a queue is empty; 2 s locally, as the docs say of local development. */
  readonly maxPollingIntervalMs: number;
  /** Tries before a message goes to `<queue>-poison` (default 5). */
  readonly maxDequeueCount: number;
  /** How long a failed message stays invisible before its retry (default 0). */
  readonly visibilityTimeoutMs: number;
  readonly messageEncoding: 'base64' | 'none';
}

/** The smallest polling interval the extension allows (QueuePollingIntervals.Minimum). */
export const MIN_POLLING_INTERVAL_MS = 100;
const LOCAL_MAX_POLLING_INTERVAL_MS = 2_000;

export function storageExtensionOptions(config: HostConfig): StorageExtensionOptions {
  const key = (name: string) => `extensions.queues.${name}`;
  const fail = (name: string, expected: string, value: unknown) =>
    new HostConfigError(`${config.source}: "${key(name)}" must be ${expected}, but is ${JSON.stringify(value)}.`);
  const integer = (name: string, min: number, max: number, fallback: number): number => {
    const value = config.get(key(name));
    if (value === undefined) return fallback;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) throw fail(name, `a whole number from ${min} to ${max}`, value);
    return number;
  };
  const timeSpan = (name: string, min: number, fallback: number): number => {
    const value = config.get(key(name));
    if (value === undefined) return fallback;
    const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
    if (ms === undefined || ms < min) throw fail(name, `a TimeSpan of at least ${min} ms such as "00:00:02"`, value);
    return ms;
  };
  const batchSize = integer('batchSize', 1, 32, 16);
  const encoding = config.get(key('messageEncoding')) ?? 'base64';
  if (typeof encoding !== 'string' || !['base64', 'none'].includes(encoding.toLowerCase())) throw fail('messageEncoding', '"base64" or "none"', encoding);
  return {
    batchSize,
    newBatchThreshold: integer('newBatchThreshold', 0, 10_000, Math.floor(batchSize / 2) * os.availableParallelism()),
    maxPollingIntervalMs: timeSpan('maxPollingInterval', MIN_POLLING_INTERVAL_MS, LOCAL_MAX_POLLING_INTERVAL_MS),
    maxDequeueCount: integer('maxDequeueCount', 1, 1_000, 5),
    visibilityTimeoutMs: timeSpan('visibilityTimeout', 0, 0),
    messageEncoding: encoding.toLowerCase() as 'base64' | 'none',
  };
}
