// Query-string reading with the extension's conventions: names are case-insensitive and a repeated name
// reads as its values joined by ',' (.NET NameValueCollection). Booleans and integers that do not parse are
// ignored, as .NET's TryParse does; dates, statuses and wait times that do not parse are refused with a
// message, because silently dropping a filter would widen a query or a purge.

import { RUNTIME_STATUSES, parseIsoDateTime, type RuntimeStatus } from '../core';
import { badRequest } from './errors';

export class QueryParameters {
  private readonly values = new Map<string, string[]>();

  constructor(rawQuery: string) {
    for (const [name, value] of new URLSearchParams(rawQuery)) {
      const key = name.toLowerCase();
      const list = this.values.get(key);
      if (list) list.push(value);
      else this.values.set(key, [value]);
    }
  }

  string(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.join(',');
  }

  /** `true`/`false` in any case; anything else reads as `fallback`. */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.trim().toLowerCase();
    return value === 'true' ? true : value === 'false' ? false : fallback;
  }

  /** A positive page size (`top`); absent or not a number reads as undefined. */
  pageSize(name: string): number | undefined {
    const value = this.string(name)?.trim();
    if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
    const size = Number(value);
    if (!Number.isSafeInteger(size) || size < 1) {
      throw badRequest(`Query parameter '${name}' is ${value}; give a positive number of results per page.`);
    }
    return size;
  }

  /** An ISO-8601 date or date-time (UTC when it has no offset), as an ISO string; absent reads as undefined. */
  date(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined || value.trim() === '') return undefined;
    const time = parseIsoDateTime(value.trim());
    if (time === undefined) {
      throw badRequest(`Query parameter '${name}' is '${value}', which is not a date; use ISO 8601, e.g. 2024-01-31T08:00:00Z.`);
    }
    return time;
  }

  /** A comma-separated list of runtime status names (any case) or their numbers 0–7. */
  statuses(name: string): RuntimeStatus[] | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const statuses: RuntimeStatus[] = [];
    for (const item of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const status = parseRuntimeStatus(item);
      if (!status) {
        throw badRequest(`Query parameter '${name}' has '${item}', which is not a runtime status; use ${RUNTIME_STATUSES.join(', ')}.`);
      }
      if (!statuses.includes(status)) statuses.push(status);
    }
    return statuses.length > 0 ? statuses : undefined;
  }

  /** A non-negative number of seconds as milliseconds (`timeout`, `pollingInterval`); absent reads as undefined. */
  seconds(name: string): number | undefined {
    const value = this.string(name)?.trim();
    if (value === undefined || value === '') return undefined;
    const seconds = Number(value);
    if (!Number.isFinite(seconds)) {
      throw badRequest(`Query parameter '${name}' is '${value}'; give a number of seconds.`);
    }
    // Negative waits end at once (as in .NET); the cap is what a Node timer can hold (about 24.8 days).
    return Math.min(Math.max(seconds * 1000, 0), MAX_TIMER_MS);
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function parseRuntimeStatus(value: string): RuntimeStatus | undefined {
  if (/^\d+$/.test(value)) return RUNTIME_STATUSES[Number(value)];
  return RUNTIME_STATUSES.find((status) => status.toLowerCase() === value.toLowerCase());
}
