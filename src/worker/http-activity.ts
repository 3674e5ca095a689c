// callHttp as an activity (specs/durable-functions-protocol.md §3.3 action 8, §9.6): the request runs here and the
// 202 + Location polling happens inside the activity, so the orchestrator only ever sees the final response and
// the library never allocates polling ids.

import { DurableRuntimeError } from '../core';
import type { TokenCredential } from '@azure/identity';
import { DEFAULT_HTTP_ASYNC_SLEEP_MS } from '../durable-functions';

/** `DurableHttpRequest` as the library serializes it. */
export interface DurableHttpRequestJson {
  method: string;
  uri: string;
  content?: string;
  headers?: Record<string, string>;
  tokenSource?: { resource: string; kind?: string };
  asynchronousPatternEnabled?: boolean;
}

/** What `DurableHttpResponse` is built from: a numeric status, headers and the body as text. */
export interface DurableHttpResponseJson {
  statusCode: number;
  headers: Record<string, string | string[]>;
  content: string;
}

export interface HttpActivityDeps {
  fetch?: typeof fetch;
  /** Waits between polls (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Acquires tokens for `tokenSource` (default: DefaultAzureCredential, i.e. the managed identity on Azure). */
  credential?: TokenCredential;
  /** Poll interval when a 202 has no Retry-After (host.json `httpSettings.defaultAsyncRequestSleepTimeMilliseconds`). */
  defaultPollIntervalMs?: number;
}

export class HttpActivityError extends DurableRuntimeError {
}

export async function performDurableHttpRequest(request: DurableHttpRequestJson, deps: HttpActivityDeps = {}): Promise<DurableHttpResponseJson> {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const headers: Record<string, string> = { ...request.headers };
  if (request.tokenSource) headers.Authorization = `Bearer ${await accessToken(request.tokenSource.resource, deps.credential)}`;

  let url = request.uri;
  let response = await send(doFetch, url, request.method, headers, request.content);
  // §9.6: poll the Location of a 202 with GET and the original headers minus the function key.
  while (request.asynchronousPatternEnabled !== false && response.status === 202 && response.headers.has('location')) {
    url = new URL(response.headers.get('location') as string, url).toString();
    await sleep(pollDelayMs(response.headers.get('retry-after'), deps.defaultPollIntervalMs ?? DEFAULT_HTTP_ASYNC_SLEEP_MS));
    await response.arrayBuffer();
    const pollHeaders = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'x-functions-key'));
    response = await send(doFetch, url, 'GET', pollHeaders, undefined);
  }
  return { statusCode: response.status, headers: responseHeaders(response.headers), content: await response.text() };
}

async function send(doFetch: typeof fetch, url: string, method: string, headers: Record<string, string>, content: string | undefined): Promise<Response> {
  const verb = (method || 'GET').toUpperCase();
  try {
    const body = content === undefined || verb === 'GET' || verb === 'HEAD' ? undefined : content;
    return await doFetch(url, { method: verb, headers, body, redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new HttpActivityError(`The HTTP request ${verb} ${url} failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  }
}

/** The resource's `.default` scope, as .NET's ManagedIdentityTokenSource asks for it. */
async function accessToken(resource: string, credential: TokenCredential | undefined): Promise<string> {
  const scope = resource.endsWith('/.default') ? resource : `${resource}/.default`;
  const source = credential ?? defaultCredential();
  let token;
  try {
    token = await source.getToken(scope);
  } catch (error) {
    throw new HttpActivityError(`Could not acquire a token for '${scope}' for callHttp's tokenSource: ${(error as Error).message}`);
  }
  if (!token) throw new HttpActivityError(`Could not acquire a token for '${scope}' for callHttp's tokenSource: the credential returned none.`);
  return token.token;
}

let sharedCredential: TokenCredential | undefined;

/** Loaded on first use (@azure/identity takes a while to load and most apps never need a token); shared so tokens are cached. */
function defaultCredential(): TokenCredential {
  if (!sharedCredential) {
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    sharedCredential = new DefaultAzureCredential();
  }
  return sharedCredential;
}

/** Retry-After is seconds (what the library assumes) or an HTTP date. */
function pollDelayMs(retryAfter: string | null, fallbackMs: number): number {
  if (retryAfter === null || retryAfter.trim() === '') return fallbackMs;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(retryAfter);
  return Number.isNaN(at) ? fallbackMs : Math.max(0, at - Date.now());
}

function responseHeaders(headers: Headers): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    result[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) result['set-cookie'] = cookies;
  return result;
}
