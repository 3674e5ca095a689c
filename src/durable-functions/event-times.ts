// History timestamps read per event and episode. Parsing and formatting dates is costly next to the rest of an
// episode, and the events of an episode mostly share one timestamp: each function remembers its last answer.

import { rememberLast } from '../core';

/** `Date.parse(timestamp)`. */
export const timestampMs: (timestamp: string) => number = rememberLast(Date.parse);

/** `new Date(timestamp).toISOString()`: ISO-8601 with milliseconds and `Z`, as the library reads it (§2.2); throws for an invalid time. */
export const canonicalTimestamp: (timestamp: string) => string = rememberLast((timestamp: string) => new Date(timestamp).toISOString());
