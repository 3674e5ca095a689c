// Who may use the dashboard, like the Durable webhooks: without keys it answers only on this machine (loopback);
// with --require-keys anyone who presents the system key, as `x-functions-key` (what the page sends) or `code=`.

import type { IncomingMessage } from 'node:http';
import { sameKey } from '../core';

/** Undefined: allowed. Otherwise the status and the sentence the page shows. */
export type AccessCheck = (req: IncomingMessage, params: URLSearchParams) => { status: 401 | 403; message: string } | undefined;

export function dashboardAccess(options: { systemKey?: string }): AccessCheck {
  const { systemKey } = options;
  if (systemKey) {
    return (req, params) => {
      const header = req.headers['x-functions-key'];
      const candidates = [Array.isArray(header) ? header[0] : header, params.get('code') ?? undefined];
      if (candidates.some((candidate) => candidate !== undefined && sameKey(systemKey, candidate))) return undefined;
      return { status: 401, message: 'The dashboard needs the system key (durabletask_extension): the runtime prints it at start-up.' };
    };
  }
  return (req) =>
    isLoopback(req.socket.remoteAddress)
      ? undefined
      : { status: 403, message: 'Without --require-keys the dashboard answers only on this machine. Start with --require-keys to open it to others with the system key.' };
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
