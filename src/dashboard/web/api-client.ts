// Calls to the data API (api/v1, relative to the page), with the system key when the runtime asks for one. A
// failed call becomes an ApiError carrying the server's sentence, never a raw stack.

import type { ErrorBody } from './api-types.js';

const KEY_STORAGE = 'durable-runtime-dashboard-key';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function storedKey(): string | null {
  return localStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string): void {
  localStorage.setItem(KEY_STORAGE, key);
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; params?: URLSearchParams } = {}): Promise<T> {
  const query = init.params && [...init.params].length ? `?${init.params}` : '';
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = storedKey();
  if (key) headers['x-functions-key'] = key;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`api/v1/${path}${query}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  } catch {
    throw new ApiError(0, 'The runtime did not answer: is `durable-runtime` still running?');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(response.status, `The runtime answered ${response.status} with something that is not JSON.`);
  }
  if (!response.ok) throw new ApiError(response.status, (body as ErrorBody | undefined)?.error ?? `The runtime answered ${response.status}.`);
  return body as T;
}

export const orchestrationPath = (instanceId: string, sub?: string) => `orchestrations/${encodeURIComponent(instanceId)}${sub ? `/${sub}` : ''}`;
