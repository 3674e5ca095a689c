// A raw HTTP call with full control over method, path, headers and body (fetch refuses some of them),
// returning status, headers and the body as text and, when it parses, as JSON.

import { request } from 'node:http';
import { waitFor } from './wait-for';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface HttpCallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** `url` is absolute; its path and query are sent exactly as written (no normalization). */
export function httpCall(url: string, options: HttpCallOptions = {}): Promise<HttpResult> {
  const { host, port, pathAndQuery } = splitUrl(url);
  return new Promise((resolve, reject) => {
    const req = request({ host, port, method: options.method ?? 'GET', path: pathAndQuery, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function splitUrl(url: string): { host: string; port: number; pathAndQuery: string } {
  const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
  if (!match) throw new Error(`httpCall needs an absolute http URL with a port, got '${url}'`);
  return { host: match[1], port: Number(match[2]), pathAndQuery: match[3] ?? '/' };
}

/** Polls `probe` until it is true, bounded by `timeoutMs` of real time. */
export async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(what, probe, timeoutMs, 5);
}
