// Failure details as the Durable Task protocol carries them (specs/backends.md B3 `TaskFailureDetails`).

export interface FailureDetails {
  errorType: string;
  errorMessage: string;
  stackTrace?: string;
  innerFailure?: FailureDetails;
  isNonRetriable?: boolean;
  properties?: Record<string, unknown>;
}

/**
 * Turns anything thrown by user code into failure details without losing the message. Errors are recognised by
 * shape, not `instanceof`: user apps run in Node's own realm, whose Error is another class under jest.
 */
export function failureFromError(error: unknown): FailureDetails {
  if (isErrorLike(error)) {
    return { errorType: error.name || 'Error', errorMessage: error.message, stackTrace: error.stack };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : safeStringify(error) };
}

/** The message of anything thrown, for a log line or an error response. */
export function errorMessage(error: unknown): string {
  return failureFromError(error).errorMessage;
}

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || (typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).name === 'string');
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
