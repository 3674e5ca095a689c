// The system key check of the webhook routes under --require-keys: the key comes as `code=` or in the
// `x-functions-key` header, as on Azure. Compared in constant time; never logged.

import type { IncomingHttpHeaders } from 'node:http';
import { sameKey } from '../core';
import type { QueryParameters } from './query-parameters';

export function presentsKey(expected: string, query: QueryParameters, headers: IncomingHttpHeaders): boolean {
  const header = headers['x-functions-key'];
  const candidates = [query.string('code'), Array.isArray(header) ? header[0] : header];
  return candidates.some((candidate) => candidate !== undefined && sameKey(expected, candidate));
}
