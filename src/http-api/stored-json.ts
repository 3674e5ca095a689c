// How stored payloads (serialized JSON strings) are shown to HTTP callers: as JSON values, with the
// extension's fallbacks (specs/durable-functions-protocol.md §7, "a raw non-JSON string such as a terminate
// reason is returned as a string"; [ext] DurableClient.ParseToJToken).

export function parseStoredJson(value: string | undefined): unknown {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/** `yyyy-MM-ddTHH:mm:ssZ`: .NET's `ToString("s") + "Z"`, whole seconds (§7 "Status payload"). */
export function formatStatusTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 19)}Z`;
}
