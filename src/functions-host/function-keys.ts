// Function keys for `durable-runtime start --require-keys`: generated once per app folder into
// .durable-runtime/keys.json (git-ignored), checked like the Functions host checks them: a key in the `code` query
// parameter or the `x-functions-key` header; the master key passes every level.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sameKey } from '../core';
import { FunctionsHostError } from './errors';

export interface FunctionKeys {
  masterKey: string;
  /** Host-level function keys: each one opens every `function`-level route. */
  functionKeys: Record<string, string>;
  /** Keys of host extensions by name, e.g. `durabletask_extension` for the Durable webhooks. */
  systemKeys: Record<string, string>;
}

export type KeyLevel = 'anonymous' | 'function' | 'admin' | 'system';

export function keysFile(appDir: string): string {
  return path.join(appDir, '.durable-runtime', 'keys.json');
}

/** Reads the app's keys, creating the file or any missing system key (one per extension that asks for one). */
export async function loadOrCreateFunctionKeys(appDir: string, systemKeyNames: readonly string[] = []): Promise<{ keys: FunctionKeys; file: string; created: boolean }> {
  const file = keysFile(appDir);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new FunctionsHostError(`${file}: cannot be read (${(error as Error).message}).`);
  }
  const keys: FunctionKeys = text !== undefined ? parseKeys(text, file) : { masterKey: newKey(), functionKeys: { default: newKey() }, systemKeys: {} };
  const missing = systemKeyNames.filter((name) => !keys.systemKeys[name]);
  for (const name of missing) keys.systemKeys[name] = newKey();
  if (text === undefined || missing.length > 0) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  }
  return { keys, file, created: text === undefined };
}

function parseKeys(text: string, file: string): FunctionKeys {
  const fix = `Fix it, or delete it to generate new keys.`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FunctionsHostError(`${file}: is not valid JSON (${(error as Error).message}). ${fix}`);
  }
  const root = (json ?? {}) as Record<string, unknown>;
  if (typeof root.masterKey !== 'string' || root.masterKey === '') throw new FunctionsHostError(`${file}: "masterKey" must be a non-empty string. ${fix}`);
  const record = (key: 'functionKeys' | 'systemKeys'): Record<string, string> => {
    const value = root[key] ?? {};
    if (typeof value !== 'object' || value === null || Object.values(value).some((k) => typeof k !== 'string' || k === '')) {
      throw new FunctionsHostError(`${file}: "${key}" must map names to non-empty key strings. ${fix}`);
    }
    return value as Record<string, string>;
  };
  return { masterKey: root.masterKey, functionKeys: record('functionKeys'), systemKeys: record('systemKeys') };
}

function newKey(): string {
  return randomBytes(30).toString('base64url');
}

/** The key a request presents: `?code=` or the `x-functions-key` header. */
export function presentedKey(url: URL, headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['x-functions-key'];
  return url.searchParams.get('code') ?? (Array.isArray(header) ? header[0] : header);
}

export function isAuthorized(level: KeyLevel, presented: string | undefined, keys: FunctionKeys): boolean {
  if (level === 'anonymous') return true;
  if (presented === undefined) return false;
  const matches = (candidates: string[]) => candidates.some((key) => sameKey(key, presented));
  if (matches([keys.masterKey])) return true;
  if (level === 'function') return matches(Object.values(keys.functionKeys));
  if (level === 'system') return matches(Object.values(keys.systemKeys));
  return false;
}

