// Failure details as the Durable Task protocol carries them (specs/backends.md B3 `TaskFailureDetails`).

export interface FailureDetails {
  errorType: string;
  errorMessage: string;
  stackTrace?: string;
  innerFailure?: FailureDetails;
  isNonRetriable?: boolean;
  properties?: Record<string, unknown>;
}

/** Turns anything thrown by user code into failure details without losing the message. */
export function failureFromError(error: unknown): FailureDetails {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, stackTrace: error.stack };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : safeStringify(error) };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
