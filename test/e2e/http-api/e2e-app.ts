// Shared by the HTTP API e2e tests: the fixture app run by the built CLI on the memory backend, on a free
// port (never 7071, so links that still pointed at the default port would fail), and small HTTP helpers.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startCli, type CliProcess } from '../../support/cli-process';
import { eventually } from '../../support/wait-for';

export const APP_DIR = path.join(__dirname, '..', '..', 'fixtures', 'apps', 'http-api');

export function startApp(options: { requireKeys?: boolean; appDir?: string } = {}): Promise<CliProcess> {
  const appDir = options.appDir ?? APP_DIR;
  const args = ['start', '--cwd', appDir, '--backend', 'memory'];
  if (!options.requireKeys) return startCli({ args });
  // With keys required, the readiness probe (/admin/host/status) needs the master key the host generates.
  const keysFile = path.join(appDir, '.durable-runtime', 'keys.json');
  const statusHeaders = (): Record<string, string> =>
    existsSync(keysFile) ? { 'x-functions-key': (JSON.parse(readFileSync(keysFile, 'utf8')) as { masterKey: string }).masterKey } : {};
  return startCli({ args: [...args, '--require-keys'], statusHeaders });
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** fetch, with the body read as JSON when it parses (text otherwise). */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

export { eventually };

/** Follows a status link until it answers 200 (the instance finished), returning that answer. */
export function finished(statusUrl: string, init: RequestInit = {}): Promise<Answer> {
  return eventually(async () => {
    const answer = await call(statusUrl, init);
    return answer.status === 202 ? undefined : answer;
  }, `${statusUrl} to answer other than 202`);
}
