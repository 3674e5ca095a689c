// How storage failures are told apart, and the one error a misconfigured or unreachable account gives at start-up.

import { BackendError } from '../errors';

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** 409 (already exists) and 412 (ETag mismatch): another writer got there first. */
export function isConcurrencyConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412;
}

export function ignoreNotFound(error: unknown): void {
  if (statusOf(error) !== 404) throw error;
}

/** Storage could not be reached or refused our credentials; raised once, at start-up. */
export class StorageUnavailableError extends BackendError {
  constructor(account: string, cause: unknown) {
    super(`Cannot use the Azure Storage account ${account}: ${describeStorageFailure(cause)}`);
  }
}

export function describeStorageFailure(error: unknown): string {
  const status = statusOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (status === 401 || status === 403) {
    return `access was denied (${status}${code ? ` ${String(code)}` : ''}). Check the account key or the identity's data-plane roles (Storage Queue/Table/Blob Data Contributor).`;
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || /ECONNREFUSED|ENOTFOUND|timed out|aborted/i.test(message)) {
    return `it does not answer (${message}). Start Azurite (npx azurite) or check the endpoints in the connection settings.`;
  }
  return `${message}${status ? ` (HTTP ${status})` : ''}.`;
}
