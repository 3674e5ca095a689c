// Errors the HTTP API answers with a status code of its choosing. Anything else that escapes a handler is
// mapped in `error-responses.ts`.

import { DurableRuntimeError } from '../core';

/**
 * A request the API refuses. `bodyStyle` follows the extension: most errors are an object
 * `{"Message": ...}` (ASP.NET's HttpError), a few are a bare JSON string that durable-functions' client
 * shows as the error message (rewind, purge; specs/durable-functions-protocol.md §6.2).
 */
export class HttpApiError extends DurableRuntimeError {
  constructor(
    readonly status: number,
    message: string,
    readonly bodyStyle: 'object' | 'string' = 'object',
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpApiError(400, message);
