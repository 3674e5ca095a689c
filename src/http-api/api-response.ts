// What a route handler answers, how it is written to the socket, and how errors become answers.

import type { ServerResponse } from 'node:http';
import { errorMessage } from '../core';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, NotSupportedError, OperationNotApplicableError } from '../taskhub';
import { HttpApiError } from './errors';

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value; absent means an empty body. */
  body?: unknown;
  /** Already-serialized JSON (stored entity state), sent as is. */
  rawJson?: string;
}

/** `{"Message": ...}`, the shape of ASP.NET's HttpError that the extension answers with. */
export function errorBody(message: string): { Message: string } {
  return { Message: message };
}

/** Maps anything a handler throws to an answer: typed errors to their 4xx, the unexpected to 500. */
export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof HttpApiError) {
    return { status: error.status, body: error.bodyStyle === 'string' ? error.message : errorBody(error.message) };
  }
  if (error instanceof InstanceNotFoundError) return { status: 404, body: errorBody(error.message) };
  if (error instanceof InstanceExistsError) return { status: 409, body: errorBody(error.message) };
  if (error instanceof InvalidInstanceStateError) return { status: 410, body: errorBody(error.message) };
  if (error instanceof NotSupportedError) return { status: 501, body: errorBody(error.message) };
  // The task hub's argument errors, like .NET's ArgumentException, which the extension answers with 400.
  if (error instanceof RangeError) return { status: 400, body: errorBody(error.message) };
  // Anything else, OperationNotApplicableError included, is the extension's catch-all answer, with the reason.
  return { status: 500, body: { ...errorBody('Something went wrong while processing your request'), ExceptionMessage: errorMessage(error) } };
}

/** A 500 the task hub already logged as a warning: the refusal is expected, not a fault of the API. */
export function isLoggedRefusal(error: unknown): boolean {
  return error instanceof OperationNotApplicableError;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The answer's body as JSON text; undefined for an empty body. */
export function responseJson(response: ApiResponse): string | undefined {
  return response.rawJson ?? (response.body === undefined ? undefined : JSON.stringify(response.body));
}

export function writeResponse(res: ServerResponse, response: ApiResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  const json = responseJson(response);
  if (json === undefined) {
    res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  const bytes = Buffer.from(json, 'utf8');
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}
