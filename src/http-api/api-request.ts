// One HTTP request as the route handlers see it: method, decoded path segments below the API's base path,
// query, headers, and a body read on demand within a size limit.

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { badRequest, HttpApiError } from './errors';
import { QueryParameters } from './query-parameters';

export interface ApiRequest {
  method: string;
  /** Decoded path segments below the base path, e.g. `['instances', 'abc', 'terminate']`. */
  segments: string[];
  query: QueryParameters;
  headers: IncomingHttpHeaders;
  /** The request's own absolute URL (the `Location` of a 202 status answer). */
  url: string;
  /** The origin for management links in answers (e.g. `http://localhost:7071`). */
  linkOrigin: string;
  /** Aborts when the caller goes away (ends long waits). */
  signal: AbortSignal;
  /** The body as UTF-8 text; refused with 413 beyond the size limit. */
  body(): Promise<string>;
}

/** Splits a request target into its path and raw query; absolute-form targets lose their scheme and authority. */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  const relative = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const end = relative.search(/#/);
  const withoutFragment = end < 0 ? relative : relative.slice(0, end);
  const q = withoutFragment.indexOf('?');
  return q < 0
    ? { path: withoutFragment || '/', rawQuery: '' }
    : { path: withoutFragment.slice(0, q) || '/', rawQuery: withoutFragment.slice(q + 1) };
}

/** The path below `base` (case-insensitive, as Functions routes are), or undefined when `path` is not under it. */
export function pathBelow(path: string, base: string): string | undefined {
  const lowerPath = path.toLowerCase();
  const lowerBase = base.toLowerCase().replace(/\/+$/, '');
  if (!lowerPath.startsWith(lowerBase)) return undefined;
  const rest = path.slice(lowerBase.length);
  return rest === '' || rest.startsWith('/') ? rest : undefined;
}

/** Percent-decodes each segment; leading and trailing slashes are ignored, as the extension trims them. */
export function pathSegments(rest: string): string[] {
  const trimmed = rest.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  return trimmed.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw badRequest(`The request path segment '${segment}' has malformed percent-encoding; encode '%' as %25.`);
    }
  });
}

/** Reads the whole body as UTF-8, refusing more than `maxBytes` with 413 before buffering it. */
export function bodyTooLarge(maxBytes: number): HttpApiError {
  return new HttpApiError(413, `The request body is larger than ${maxBytes} bytes; send a smaller input or raise the runtime's body size limit.`);
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () => bodyTooLarge(maxBytes);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.resume(); // discard the rest so the connection stays usable
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('aborted', () => reject(badRequest('The client closed the connection before sending the whole body.')));
  });
}

/** True for `application/json`, with or without parameters such as `; charset=utf-8`. */
export function isJsonContentType(contentType: string | string[] | undefined): boolean {
  const first = Array.isArray(contentType) ? contentType[0] : contentType;
  return first?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** The body as serialized JSON for storage: undefined when empty, the trimmed text when it parses. */
export function jsonInput(body: string, problem: (reason: string) => string): string | undefined {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text === '') return undefined;
  try {
    JSON.parse(text);
  } catch (error) {
    throw badRequest(problem((error as Error).message));
  }
  return text;
}
