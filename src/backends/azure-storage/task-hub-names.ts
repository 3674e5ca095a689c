// Task hub names and the storage resources derived from them (specs/backends.md A2).

import { DurableRuntimeError } from '../../core';

export class InvalidTaskHubNameError extends DurableRuntimeError {
  constructor(readonly hubName: string, reason: string) {
    super(
      `Task hub name '${hubName}' is invalid for the Azure Storage provider: ${reason}. ` +
        'Use 3–45 letters and digits starting with a letter (host.json extensions.durableTask.hubName).',
    );
  }
}

const MIN_LENGTH = 3;
const MAX_LENGTH = 45;

/** The DF extension's rules (AzureStorageOptions.ValidateHubName): alphanumeric, starts with a letter, 3–45 chars. */
export function validateTaskHubName(hubName: string): void {
  if (hubName.length < MIN_LENGTH || hubName.length > MAX_LENGTH) {
    throw new InvalidTaskHubNameError(hubName, `it has ${hubName.length} characters`);
  }
  if (!/^[A-Za-z]/.test(hubName)) throw new InvalidTaskHubNameError(hubName, 'it does not start with a letter');
  const bad = hubName.match(/[^A-Za-z0-9]/);
  if (bad) throw new InvalidTaskHubNameError(hubName, `it contains '${bad[0]}'`);
}

/** How the extension turns a default name (the site name) into a valid hub name: drop, prefix, cut. */
export function sanitizeTaskHubName(name: string): string {
  let hub = name.replace(/[^A-Za-z0-9]/g, '');
  if (/^[0-9]/.test(hub)) hub = `t${hub}`;
  return hub.slice(0, MAX_LENGTH);
}

export const MIN_PARTITION_COUNT = 1;
export const MAX_PARTITION_COUNT = 16;

/** Names of every table, queue and container of one task hub. Queues and containers use the lower-cased hub. */
export class TaskHubResources {
  readonly historyTable: string;
  readonly instancesTable: string;
  readonly partitionsTable: string;
  readonly workItemQueue: string;
  /** Not part of DT.AS: messages that kept failing are parked here (see docs/azure-storage.md). */
  readonly poisonQueue: string;
  readonly largeMessageContainer: string;
  readonly controlQueues: readonly string[];

  constructor(readonly hubName: string, readonly partitionCount: number) {
    validateTaskHubName(hubName);
    if (!Number.isInteger(partitionCount) || partitionCount < MIN_PARTITION_COUNT || partitionCount > MAX_PARTITION_COUNT) {
      throw new RangeError(`partitionCount must be an integer from ${MIN_PARTITION_COUNT} to ${MAX_PARTITION_COUNT}, got ${partitionCount}`);
    }
    const lower = hubName.toLowerCase();
    this.historyTable = `${hubName}History`;
    this.instancesTable = `${hubName}Instances`;
    this.partitionsTable = `${hubName}Partitions`;
    this.workItemQueue = `${lower}-workitems`;
    this.poisonQueue = `${lower}-poison`;
    this.largeMessageContainer = `${lower}-largemessages`;
    this.controlQueues = Array.from({ length: partitionCount }, (_, i) => `${lower}-control-${String(i).padStart(2, '0')}`);
  }
}
