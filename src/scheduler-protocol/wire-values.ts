// The scalar wrappers the proto uses (specs/backends.md B3): nullable strings are `StringValue` (core: `undefined`
// for null), times are `Timestamp` (core: ISO-8601 UTC strings), string maps are jspb maps.

import type { Map as ProtoMap } from 'google-protobuf';
import { StringValue, Timestamp } from './proto';

export function toStringValue(value: string | undefined): StringValue | undefined {
  return value === undefined ? undefined : new StringValue().setValue(value);
}

export function fromStringValue(value: StringValue | undefined): string | undefined {
  return value?.getValue();
}

export function toTimestamp(iso: string | undefined): Timestamp | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`'${iso}' is not an ISO-8601 time`);
  return Timestamp.fromDate(new Date(ms));
}

export function fromTimestamp(timestamp: Timestamp | undefined): string | undefined {
  return timestamp && timestamp.toDate().toISOString();
}

export function readStringMap(map: ProtoMap<string, string>): Record<string, string> | undefined {
  const entries = map.getEntryList();
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

export function writeStringMap(map: ProtoMap<string, string>, values: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(values ?? {})) map.set(key, value);
}
