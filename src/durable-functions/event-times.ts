// History timestamps read per event and episode. Parsing and formatting dates is costly next to the rest of an
// episode, and the events of an episode mostly share one timestamp: each function remembers its last answer.

let lastParsedText: string | undefined;
let lastParsedMs = Number.NaN;

/** `Date.parse(timestamp)`. */
export function timestampMs(timestamp: string): number {
  if (timestamp !== lastParsedText) {
    lastParsedMs = Date.parse(timestamp);
    lastParsedText = timestamp;
  }
  return lastParsedMs;
}

let lastNormalizedText: string | undefined;
let lastNormalized = '';

/** `new Date(timestamp).toISOString()`: ISO-8601 with milliseconds and `Z`, as the library reads it (§2.2); throws for an invalid time. */
export function canonicalTimestamp(timestamp: string): string {
  if (timestamp !== lastNormalizedText) {
    lastNormalized = new Date(timestamp).toISOString();
    lastNormalizedText = timestamp;
  }
  return lastNormalized;
}
