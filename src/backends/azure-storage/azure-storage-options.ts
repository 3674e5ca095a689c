// Tuning of the Azure Storage backend: DT.AS / Durable Functions defaults (specs/backends.md A9), and how they are
// read from host.json `extensions.durableTask.storageProvider`.

import { DurableRuntimeError, parseTimeSpan } from '../../core';

export interface AzureStorageTuning {
  /** Control queues, 1–16; fixed once the task hub exists (A2). */
  partitionCount: number;
  /** Messages per control-queue receive, at most 32 (A4.5). */
  controlQueueBatchSize: number;
  /** Control-queue polling pauses while this many messages wait in memory (DF default 256). */
  controlQueueBufferThreshold: number;
  /**
   * How long a received message stays invisible; renewed at half while its work runs (visibility-keeper.ts), so
   * this is how long a dead worker's messages stay hidden. Not DT.AS's 5 min: a crash recovers in seconds.
   */
  controlQueueVisibilityTimeoutMs: number;
  workItemQueueVisibilityTimeoutMs: number;
  /** Idle polling backs off up to this (A4.5). */
  maxQueuePollingIntervalMs: number;
  /** A message received more often than this is moved to `{hub}-poison` (not in DT.AS, see docs). */
  maxDequeueCount: number;
  /** Partition lease length and renewal period (A9, A13.1). */
  leaseIntervalMs: number;
  leaseRenewIntervalMs: number;
  /** Longest single queue visibility delay; longer timers hop (A11). */
  maxVisibilityDelayMs: number;
  /** How many instances' committed state this worker keeps in memory between work items. */
  instanceCacheSize: number;
}

export const DEFAULT_TUNING: AzureStorageTuning = {
  partitionCount: 4,
  controlQueueBatchSize: 32,
  controlQueueBufferThreshold: 256,
  // One lease interval: a dead worker's messages are back by the time its partitions can be taken over.
  controlQueueVisibilityTimeoutMs: 30_000,
  workItemQueueVisibilityTimeoutMs: 30_000,
  maxQueuePollingIntervalMs: 30_000,
  maxDequeueCount: 10,
  leaseIntervalMs: 30_000,
  leaseRenewIntervalMs: 10_000,
  maxVisibilityDelayMs: 3 * 24 * 60 * 60_000,
  instanceCacheSize: 1000,
};

export class InvalidStorageProviderSettingError extends DurableRuntimeError {
  constructor(key: string, value: unknown, expected: string) {
    super(`host.json extensions.durableTask.storageProvider.${key} is ${JSON.stringify(value)}; expected ${expected}.`);
  }
}

/** The host.json `storageProvider` keys we honour, with their DF names. */
export function tuningFromStorageProvider(storageProvider: Record<string, unknown> = {}): Partial<AzureStorageTuning> {
  const tuning: Partial<AzureStorageTuning> = {};
  const integer = (key: string, min: number, max: number): number | undefined => {
    const value = findKey(storageProvider, key);
    if (value === undefined) return undefined;
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidStorageProviderSettingError(key, value, `an integer from ${min} to ${max}`);
    }
    return n;
  };
  const duration = (key: string): number | undefined => {
    const value = findKey(storageProvider, key);
    if (value === undefined) return undefined;
    const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
    if (ms === undefined || ms <= 0) throw new InvalidStorageProviderSettingError(key, value, 'a positive time span such as "00:00:30"');
    return ms;
  };
  const set = <K extends keyof AzureStorageTuning>(key: K, value: AzureStorageTuning[K] | undefined) => {
    if (value !== undefined) tuning[key] = value;
  };
  set('partitionCount', integer('partitionCount', 1, 16));
  set('controlQueueBatchSize', integer('controlQueueBatchSize', 1, 32));
  set('controlQueueBufferThreshold', integer('controlQueueBufferThreshold', 1, 1000));
  set('controlQueueVisibilityTimeoutMs', duration('controlQueueVisibilityTimeout'));
  set('workItemQueueVisibilityTimeoutMs', duration('workItemQueueVisibilityTimeout'));
  set('maxQueuePollingIntervalMs', duration('maxQueuePollingInterval'));
  set('maxDequeueCount', integer('maxDequeueCount', 1, 1000));
  return tuning;
}

/** host.json keys are case-insensitive in the Functions host. */
function findKey(object: Record<string, unknown>, key: string): unknown {
  const match = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
  return match === undefined ? undefined : object[match];
}
