// New instance and execution ids: 32 lower-case hex digits, as .NET's Guid.NewGuid().ToString("N") that the
// Durable extension uses for default instance ids (specs/durable-functions-protocol.md §7, POST orchestrators).

import { randomUUID } from 'node:crypto';

export function newInstanceId(): string {
  return randomUUID().replace(/-/g, '');
}
