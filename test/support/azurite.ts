// Azurite for tests: the bundled server on free ports with in-memory persistence, one per test file, and a
// fresh task hub name per test so tests never see each other's data.

import { randomBytes } from 'node:crypto';
import { startAzurite, type AzuriteInstance } from '../../src/backends/azure-storage';

export type TestAzurite = AzuriteInstance;

export function startTestAzurite(): Promise<TestAzurite> {
  return startAzurite({});
}

/** A valid, unique task hub name (letters and digits, starts with a letter). */
export function uniqueHubName(prefix = 'test'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}
