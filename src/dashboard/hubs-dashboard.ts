// The dashboard of a server with several task hubs (`durable-runtime emulator`, port 8082): each hub's web app at
// /taskhubs/<hub>/, and at / the hub itself when there is one, else a page to pick one. It does not know the
// apps behind the hubs, so "start new" takes any orchestrator name. Loopback only unless bound wider on request.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger, type Logger } from '../core';
import type { TaskHubClient } from '../taskhub';
import { createDashboard, type DashboardHandler } from './dashboard';
import { dashboardAccess, isLoopback, type AccessCheck } from './dashboard-access';
import { listenOwnServer, sendJson } from './own-server';

const HUBS_PATH = '/taskhubs';

export interface HubsDashboardOptions {
  /** The task hubs to show, by name (the emulator's open ones). */
  hubs: () => Promise<ReadonlyMap<string, TaskHubClient & { readonly name: string }>>;
  /** The storage behind them, for the header. */
  backend: string;
  /** Default: loopback only. */
  access?: AccessCheck;
  logger?: Logger;
}

/** The path of a hub's dashboard. */
export const hubDashboardPath = (hub: string) => `${HUBS_PATH}/${encodeURIComponent(hub)}/`;

export function createHubsDashboard(options: HubsDashboardOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const access = options.access ?? dashboardAccess({});
  const handlers = new Map<string, DashboardHandler>();

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const denied = access(req, url.searchParams);
    if (denied) return sendJson(res, denied.status, { error: denied.message });
    const hubs = await options.hubs();
    if (url.pathname === '/') {
      // One hub: straight to it. None or several: a page that lists them.
      if (hubs.size === 1) return void res.writeHead(302, { location: hubDashboardPath([...hubs.keys()][0]) }).end();
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(hubPicker([...hubs.keys()].sort()));
    }
    const match = new RegExp(`^${HUBS_PATH}/([^/]+)(/.*)?$`).exec(url.pathname);
    const name = match && safeDecode(match[1]);
    const hub = name === undefined || name === null ? undefined : hubs.get(name);
    if (!hub) {
      const known = [...hubs.keys()].sort();
      const error = name
        ? `No task hub '${name}' on this emulator${known.length ? `: open one of ${known.join(', ')}` : ' yet: a hub appears once a client or worker uses it'}.`
        : `Not a dashboard path: open / for the task hubs.`;
      return sendJson(res, 404, { error });
    }
    let handler = handlers.get(name!);
    if (!handler) {
      handler = createDashboard({ taskHub: hub, basePath: hubDashboardPath(name!), backend: options.backend, access, logger: options.logger ?? silentLogger });
      handlers.set(name!, handler);
    }
    if (!(await handler(req, res))) sendJson(res, 404, { error: 'Not a dashboard path.' });
  };
}

/** Serves it on its own port: loopback (127.0.0.1) unless `host` asks for wider, and then open to every caller. */
export async function listenHubsDashboard(options: HubsDashboardOptions & { port: number; host?: string }): Promise<{ url: string; port: number; local: boolean; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const local = host === 'localhost' || isLoopback(host);
  const handler = createHubsDashboard({ ...options, access: options.access ?? (local ? dashboardAccess({}) : () => undefined) });
  const { port, close } = await listenOwnServer(handler, { port: options.port, host, logger: options.logger ?? silentLogger });
  return { url: `http://${local ? 'localhost' : host}:${port}/`, port, local, close };
}

function hubPicker(names: string[]): string {
  const items = names.map((name) => `<li><a href="${escapeHtml(hubDashboardPath(name))}">${escapeHtml(name)}</a></li>`).join('\n');
  const body = names.length
    ? `<p>Choose a task hub:</p>\n<ul>\n${items}\n</ul>`
    : '<p>No task hub yet: a hub appears here once a client or worker uses it (calls that name none use <code>default</code>). Reload then.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>durable-runtime emulator: task hubs</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<h1>Task hubs</h1>
${body}
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
