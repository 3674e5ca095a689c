// Between node:http messages and the worker protocol's RpcHttpData, shaped as the Functions host shapes them
// (specs/functions-host.md §7 "HTTP trigger input", §8 HTTP return).

import { DurableRuntimeError } from '../core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcHttpCookie, RpcHttpData, RpcNullableString, RpcTypedData } from './core-api-types';

/** The Functions host's request body limit (100 MB). */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

export class RequestTooLargeError extends DurableRuntimeError {}

export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestTooLargeError(`The request body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Header names lower-cased, repeated values joined, as the host does (§7). */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The query as the worker sees it: repeated keys joined with "," (§7). Any key is allowed, `constructor` too. */
export function requestQuery(url: URL): Record<string, string> {
  const query = new Map<string, string>();
  for (const [key, value] of url.searchParams) query.set(key, query.has(key) ? `${query.get(key)},${value}` : value);
  return Object.fromEntries(query);
}

export function toRpcHttpRequest(req: IncomingMessage, url: URL, params: Record<string, string>, body: Buffer): RpcHttpData {
  return {
    method: req.method ?? 'GET',
    url: url.href,
    nullableHeaders: nullable(requestHeaders(req)),
    nullableQuery: nullable(requestQuery(url)),
    nullableParams: nullable(params),
    ...(body.length > 0 ? { body: { bytes: body } } : {}),
  };
}

function nullable(record: Record<string, string>): Record<string, RpcNullableString> {
  return Object.fromEntries(Object.entries(record).map(([k, value]) => [k, { value }]));
}

/** Connection-level headers: the host frames its own responses, so these never pass through from a function. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** Writes the function's HTTP result; `undefined` (the handler returned nothing) is a 200 with an empty body, as the host answers (§8). */
export function writeRpcHttpResponse(res: ServerResponse, http: RpcHttpData | undefined, isHead: boolean): void {
  if (!http) {
    res.writeHead(200, { 'content-length': '0' }).end();
    return;
  }
  const status = Number(http.statusCode ?? 200);
  res.statusCode = Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500;
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) continue;
    try {
      res.setHeader(name, value);
    } catch {
      // A header the user built that Node refuses (e.g. a newline in it) is dropped rather than failing the response.
    }
  }
  const cookies = (http.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) {
    const existing = res.getHeader('set-cookie');
    res.setHeader('set-cookie', [...(existing === undefined ? [] : ([] as string[]).concat(String(existing))), ...cookies]);
  }
  const body = bodyBytes(http.body);
  res.setHeader('content-length', String(body.length));
  res.end(isHead ? undefined : body);
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes);
  if (typeof body.string === 'string') return Buffer.from(body.string);
  if (typeof body.json === 'string') return Buffer.from(body.json);
  return Buffer.alloc(0);
}

/** RpcHttpCookie -> Set-Cookie; sameSite 'none' means "not set" and 'explicitNone' means SameSite=None (§8). */
export function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires && (expires.seconds != null || expires.nanos != null)) {
    const ms = Number(expires.seconds ?? 0) * 1000 + Math.floor(Number(expires.nanos ?? 0) / 1e6);
    parts.push(`expires=${new Date(ms).toUTCString()}`);
  }
  if (cookie.maxAge?.value !== undefined && cookie.maxAge?.value !== null) parts.push(`max-age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.secure?.value) parts.push('secure');
  if (cookie.sameSite === 'lax' || cookie.sameSite === 'strict') parts.push(`samesite=${cookie.sameSite}`);
  if (cookie.sameSite === 'explicitNone') parts.push('samesite=none');
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}
