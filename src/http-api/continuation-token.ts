// The `x-ms-continuation-token` paging contract (specs/durable-functions-protocol.md §6.2 "paging"): a page
// that has more carries the header, the last page carries it empty (durable-functions loops while it is
// truthy, so a literal "null" would loop forever). Task hub tokens are wrapped so that a token this API did
// not issue is refused with a 400 instead of reaching the task hub.

import { badRequest } from './errors';

export const CONTINUATION_HEADER = 'x-ms-continuation-token';

const PREFIX = 'dr1.';

export function encodeContinuationToken(hubToken: string | undefined): string {
  return hubToken === undefined || hubToken === '' ? '' : PREFIX + Buffer.from(hubToken, 'utf8').toString('base64url');
}

/** The task hub's token from a request header value; an absent or empty header starts at the first page. */
export function decodeContinuationToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const body = value.trim().slice(PREFIX.length);
  if (!value.trim().startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(body)) {
    throw badRequest(
      `The ${CONTINUATION_HEADER} header is not a token this API issued; send back the value of the previous response's ${CONTINUATION_HEADER} header unchanged.`,
    );
  }
  return Buffer.from(body, 'base64url').toString('utf8');
}
