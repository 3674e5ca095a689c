// The dashboard as one request handler: the web app and its data API under one path (`/runtime/dashboard/` in
// `durable-runtime start`, `/taskhubs/<hub>/` on the emulator's dashboard port), over any TaskHub.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger, type Logger } from '../core';
import type { TaskHubClient } from '../taskhub';
import { dashboardAccess, type AccessCheck } from './dashboard-access';
import { dispatchDataApi, type DataApiContext, type DataApiResponse } from './data-api';
import { listenOwnServer, sendJson } from './own-server';
import { DashboardRequestError, badRequest, statusAndMessage } from './request-errors';
import { StaticFiles } from './static-files';

export const DASHBOARD_PATH = '/runtime/dashboard';
const API_PATH = 'api/v1';
/** Action bodies are small JSON (an event payload at most); this bounds what one request may make us hold. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface DashboardOptions {
  taskHub: TaskHubClient & { readonly name: string };
  /** Where it is served; default /runtime/dashboard. '' or '/' serves it at the root of its own server. */
  basePath?: string;
  /** The backend for the header, e.g. "memory", "AzureStorage". */
  backend?: string;
  /** The app's orchestrator names, offered by "start new" (and the only names it accepts when given). */
  orchestrators?: () => readonly string[];
  /** Default: loopback only (dashboardAccess({})). */
  access?: AccessCheck;
  logger?: Logger;
}

/** Resolves true when it served the request; false, untouched, for any path outside the dashboard. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createDashboard(options: DashboardOptions): DashboardHandler {
  const base = (options.basePath ?? DASHBOARD_PATH).replace(/\/+$/, '');
  const logger = options.logger ?? silentLogger;
  const access = options.access ?? dashboardAccess({});
  const files = new StaticFiles();
  const ctx: DataApiContext = { hub: options.taskHub, backend: options.backend ?? 'unknown', orchestrators: options.orchestrators ?? (() => []) };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return false;
    if (url.pathname === base) {
      // The page's links are relative to its folder.
      res.writeHead(308, { location: `${base}/${url.search}` }).end();
      return true;
    }
    const rest = url.pathname.slice(base.length + 1);
    if (rest === API_PATH || rest.startsWith(`${API_PATH}/`)) {
      await serveApi(req, res, rest.slice(API_PATH.length + 1), url.searchParams);
      return true;
    }
    const file = req.method === 'GET' || req.method === 'HEAD' ? await files.get(rest) : undefined;
    if (!file) {
      const missing = rest === '' ? 'The dashboard was not built: run `npm run build`.' : `No dashboard file '${rest}'.`;
      sendJson(res, 404, { error: missing });
      return true;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  };

  async function serveApi(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let response: DataApiResponse;
    try {
      const denied = access(req, params);
      if (denied) {
        response = { status: denied.status, body: { error: denied.message } };
      } else {
        const segments = path.split('/').filter(Boolean).map(decodeSegment);
        let body: Promise<Record<string, unknown>> | undefined;
        response = await dispatchDataApi(ctx, { method, segments, params, body: () => (body ??= readJsonBody(req)) });
      }
    } catch (error) {
      const { status, message } = statusAndMessage(error);
      if (status >= 500) logger.error(`Dashboard: ${method} ${path} failed: ${(error as Error)?.stack ?? String(error)}`);
      response = { status, body: { error: message } };
    }
    sendJson(res, response.status, response.body);
  }
}

/** Serves only the dashboard, on its own port (tests, benchmarks; the emulator serves one per hub, hubs-dashboard.ts). */
export async function listenDashboard(options: DashboardOptions & { port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createDashboard({ ...options, basePath: options.basePath ?? '/' });
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (!(await handler(req, res))) sendJson(res, 404, { error: 'Not a dashboard path.' });
  };
  const { port, close } = await listenOwnServer(serve, { port: options.port ?? 0, host: options.host ?? '127.0.0.1', logger: options.logger ?? silentLogger });
  return { url: `http://localhost:${port}${(options.basePath ?? '/').replace(/\/+$/, '')}/`, close };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`The path segment '${segment}' is not valid percent-encoding.`);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new DashboardRequestError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not JSON (${(error as Error).message}).`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}
