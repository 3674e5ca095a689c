// The binding data of one invocation: the names `{…}` expressions resolve against. Like the host, it merges the
// trigger's metadata with the top-level properties of a JSON-object trigger payload (the durable activity input
// included), and for HTTP triggers the query values, the JSON body's properties and the route values (route wins)
// (specs/functions-host.md §10 "What the real host puts in triggerMetadata for an HTTP trigger";
// specs/storage-bindings.md "Binding expressions from a JSON trigger payload").

import { decodeTypedData, type BindingInvocation, type RpcHttpData, type RpcNullableString } from '../functions-host';

export function bindingDataOf(invocation: BindingInvocation): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const trigger = invocation.trigger;
  if (trigger?.http) {
    Object.assign(data, httpBindingData(trigger.http));
  } else {
    const payload = decodeTypedData(trigger);
    Object.assign(data, jsonObject(payload));
  }
  for (const [name, value] of Object.entries(invocation.triggerMetadata ?? {})) data[name] = decodeTypedData(value);
  return data;
}

function httpBindingData(http: RpcHttpData): Record<string, unknown> {
  const body = decodeTypedData(http.body);
  return { ...stringsOf(http.query, http.nullableQuery), ...jsonObject(body), ...stringsOf(http.params, http.nullableParams) };
}

/** The worker protocol carries query and route values plain or as nullable strings. */
function stringsOf(plain: Record<string, string> | null | undefined, nullable: Record<string, RpcNullableString> | null | undefined): Record<string, string> {
  const values: Record<string, string> = { ...(plain ?? {}) };
  for (const [key, { value }] of Object.entries(nullable ?? {})) if (value !== null && value !== undefined) values[key] = value;
  return values;
}

/** A JSON object's properties: from a parsed object, or from a string or bytes holding JSON text. */
function jsonObject(value: unknown): Record<string, unknown> {
  if (Buffer.isBuffer(value) || typeof value === 'string') {
    try {
      value = JSON.parse(value.toString());
    } catch {
      return {};
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
