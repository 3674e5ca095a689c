// The system key check of the webhook routes under --require-keys: the key comes as `code=` or in the
// `x-functions-key` header, as on Azure. Compared in constant time; never logged.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { QueryParameters } from './query-parameters';

export function presentsKey(expected: string, query: QueryParameters, headers: IncomingHttpHeaders): boolean {
  const header = headers['x-functions-key'];
  const candidates = [query.string('code'), Array.isArray(header) ? header[0] : header];
  return candidates.some((candidate) => candidate !== undefined && sameKey(candidate, expected));
}

function sameKey(candidate: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time does not reveal the key's length either.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(candidate), digest(expected));
}
