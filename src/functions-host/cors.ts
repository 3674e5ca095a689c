// CORS as `func start` applies it when local.settings.json sets Host.CORS: the listed origins, any header, any
// method, credentials only with Host.CORSCredentials (specs/functions-host.md §9).

import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsPolicy {
  readonly origins: readonly string[];
  readonly credentials: boolean;
}

/** Adds CORS headers for an allowed origin; answers preflight requests itself and then returns true. */
export function applyCors(req: IncomingMessage, res: ServerResponse, policy: CorsPolicy): boolean {
  const origin = req.headers.origin;
  if (!origin || policy.origins.length === 0) return false;
  const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  const wildcard = policy.origins.includes('*');
  const allowed = wildcard || policy.origins.some((o) => o.replace(/\/+$/, '').toLowerCase() === origin.toLowerCase());
  if (allowed) {
    res.setHeader('access-control-allow-origin', wildcard && !policy.credentials ? '*' : origin);
    res.setHeader('vary', 'Origin');
    if (policy.credentials) res.setHeader('access-control-allow-credentials', 'true');
  }
  if (!isPreflight) return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', String(req.headers['access-control-request-method']));
    const requestedHeaders = req.headers['access-control-request-headers'];
    if (requestedHeaders) res.setHeader('access-control-allow-headers', String(requestedHeaders));
  }
  res.writeHead(204).end();
  return true;
}
