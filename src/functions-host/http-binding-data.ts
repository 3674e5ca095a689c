// The binding data the Functions host builds for an HTTP trigger, which a streaming app sees as `request.params`
// (specs/functions-host.md §10, last paragraph; WebJobs HttpTriggerAttributeBindingProvider.GetRequestBindingDataAsync):
// a JSON-object body's top-level values first, then the query string over them, then the route over both. Keys
// are case-insensitive: a later source replaces the value under the name that came first.

import { requestQuery } from './http-messages';

/** `body` is the request body when its length was known (the host reads no chunked body for binding data). */
export function httpBindingData(url: URL, routeParams: Readonly<Record<string, string>>, body?: Buffer): Record<string, string> {
  const data = new Map<string, { name: string; value: string }>();
  const set = (name: string, value: string) => {
    const key = name.toLowerCase();
    data.set(key, { name: data.get(key)?.name ?? name, value });
  };
  for (const [name, value] of bodyProperties(body)) set(name, value);
  // `code` carries a function key: the host never binds it.
  for (const [name, value] of Object.entries(requestQuery(url))) if (name.toLowerCase() !== 'code') set(name, value);
  for (const [name, value] of Object.entries(routeParams)) set(name, value);
  return Object.fromEntries([...data.values()].map(({ name, value }) => [name, value]));
}

/**
 * Top-level properties of a JSON-object body as the host converts them to strings: numbers as their text,
 * booleans as .NET prints them; null, objects and arrays carry no string, so the library would skip them anyway.
 */
function bodyProperties(body: Buffer | undefined): [string, string][] {
  const text = body && body.length > 0 ? body.toString('utf8').trim() : '';
  if (!text.startsWith('{') || !text.endsWith('}')) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return []; // Not JSON after all: the host binds nothing from it either.
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  return Object.entries(parsed).flatMap(([name, value]): [string, string][] => {
    if (typeof value === 'string') return [[name, value]];
    if (typeof value === 'number') return [[name, String(value)]];
    if (typeof value === 'boolean') return [[name, value ? 'True' : 'False']];
    return [];
  });
}
