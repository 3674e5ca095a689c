// The host's admin endpoints that tools and tests use (specs/functions-host.md §9 "Admin endpoints"):
// readiness (`GET /admin/host/status`), liveness (`/admin/host/ping`), function metadata, and
// `POST /admin/functions/{name}` to run a non-HTTP function with `{"input": "..."}` (202, runs in the background).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HOST_VERSION, type RegisteredFunction } from './core-api';
import type { FunctionApp } from './function-app';
import { readBody } from './http-messages';
import type { RouteTable } from './route-table';

export type HostState = 'Default' | 'Starting' | 'Running' | 'Stopping' | 'Stopped';

export interface AdminContext {
  readonly app: FunctionApp;
  readonly routes: RouteTable;
  readonly baseUrl: string;
  readonly hostId: string;
  state(): HostState;
  /** Starts the function with the admin input; failures are logged with the invocation id. */
  invokeInBackground(functionName: string, input: string): void;
}

/** Answers a request under /admin (auth already checked). */
export async function handleAdminRequest(context: AdminContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '').toLowerCase();
  const method = req.method ?? 'GET';
  if (path === '/admin/host/status' && method === 'GET') {
    return json(res, 200, { id: context.hostId, state: context.state(), version: HOST_VERSION, processUptime: Math.round(process.uptime() * 1000) });
  }
  if (path === '/admin/host/ping' && (method === 'GET' || method === 'POST')) {
    res.writeHead(200, { 'content-length': '0' }).end();
    return;
  }
  if (path === '/admin/functions' && method === 'GET') {
    return json(res, 200, context.app.functions.map((fn) => describe(context, fn)));
  }
  const functionMatch = /^\/admin\/functions\/([^/]+)$/.exec(url.pathname.replace(/\/+$/, ''));
  if (functionMatch) {
    const fn = context.app.getFunction(decodeURIComponent(functionMatch[1]));
    if (!fn) return json(res, 404, { error: `The app has no function named '${decodeURIComponent(functionMatch[1])}'.` });
    if (method === 'GET') return json(res, 200, describe(context, fn));
    if (method === 'POST') {
      if (fn.triggerType.toLowerCase() === 'httptrigger') {
        return json(res, 400, { error: `'${fn.name}' is an HTTP function; call its URL instead.` });
      }
      const input = parseInvocationBody(await readBody(req));
      if (input === undefined) return json(res, 400, { error: 'The body must be JSON like {"input": "<trigger value as a string>"}.' });
      context.invokeInBackground(fn.name, input);
      res.writeHead(202, { 'content-length': '0' }).end();
      return;
    }
  }
  json(res, 404, { error: `No admin endpoint ${method} ${url.pathname}.` });
}

/** `{"input": "..."}`; any other JSON value of `input` is passed as its JSON text. */
function parseInvocationBody(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const input = (parsed as Record<string, unknown>).input;
    return typeof input === 'string' ? input : input === undefined ? '' : JSON.stringify(input);
  } catch {
    return undefined;
  }
}

function describe(context: AdminContext, fn: RegisteredFunction) {
  const route = context.routes.routes.find((r) => r.fn === fn);
  return {
    name: fn.name,
    config: { bindings: Object.values(fn.bindings) },
    invoke_url_template: route ? `${context.baseUrl}${context.routes.displayPath(route)}` : null,
    language: 'node',
    isDisabled: false,
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}
