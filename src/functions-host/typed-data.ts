// JS values <-> RpcTypedData, the worker protocol's value envelope (specs/functions-host.md §7, §8).

import type { RpcTypedData } from './core-api-types';

/**
 * Encodes a value for the library's `fromRpcTypedData`. JSON is used for everything but bytes, because a `{string}`
 * that happens to parse as JSON ("42") would reach the handler as a number (§7).
 */
export function encodeTypedData(value: unknown): RpcTypedData | undefined {
  if (value === undefined) return undefined;
  if (ArrayBuffer.isView(value)) return { bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
  // A brand check rather than instanceof: the app's values come from Node's main realm, ours may run in a jest sandbox.
  if (Object.prototype.toString.call(value) === '[object ArrayBuffer]') return { bytes: new Uint8Array(value as ArrayBuffer) };
  const json = JSON.stringify(value);
  return json === undefined ? undefined : { json };
}

/** Decodes what the library's `toRpcTypedData` produced; `{http}` is returned as the RpcHttpData itself. */
export function decodeTypedData(data: RpcTypedData | null | undefined): unknown {
  if (data === null || data === undefined) return data;
  if (isSet(data.string)) return data.string;
  if (isSet(data.json)) return JSON.parse(data.json);
  if (isSet(data.bytes)) return Buffer.from(data.bytes);
  if (isSet(data.stream)) return Buffer.from(data.stream);
  if (isSet(data.http)) return data.http;
  if (isSet(data.int)) return Number(data.int);
  if (isSet(data.double)) return data.double;
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((bytes) => Buffer.from(bytes));
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionDouble?.double) return data.collectionDouble.double;
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64.map(Number);
  return undefined;
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}
