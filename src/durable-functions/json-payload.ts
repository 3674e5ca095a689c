// Payloads travel as serialized JSON strings in our core model and as JSON values in the library's JSON.
// These conversions reproduce the Node worker's rules (specs/durable-functions-protocol.md §1.3, §3.3).

/** `tryJsonParse` of the worker: JSON text becomes its value, anything else stays the raw string. */
export function decodePayload(text: string | undefined | null): unknown {
  if (text === undefined || text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Serializes a value for history; `undefined` stays absent (the protocol's null). Throws on cycles and BigInt. */
export function encodePayload(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/**
 * Inputs of CallActivity(WithRetry) and ContinueAsNew went through `Utils.processInput`, which JSON-encodes
 * strings once more; the value the callee sees is that string parsed again (§3.3 footnote `*`).
 */
export function decodeProcessedInput(input: unknown): unknown {
  return typeof input === 'string' ? decodePayload(input) : input;
}
