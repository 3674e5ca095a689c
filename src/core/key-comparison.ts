// Comparing secret keys (function keys, the durable webhooks' system key) without leaking them through timing.

import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant time; hashing first gives equal lengths, so the time does not reveal the key's length either. */
export function sameKey(expected: string, presented: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}
