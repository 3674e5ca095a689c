// local.settings.json, read the way `func start` reads it (specs/functions-host.md §5 step 1, §11).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core';
import { LocalSettingsError } from './errors';

export interface LocalSettings {
  /** Absolute path of the file (it may not exist). */
  readonly source: string;
  readonly exists: boolean;
  readonly values: Readonly<Record<string, string>>;
  readonly connectionStrings: Readonly<Record<string, string>>;
  readonly host: {
    readonly localHttpPort?: number;
    /** Allowed CORS origins (`Host.CORS`, comma-separated); empty = CORS off. */
    readonly cors: readonly string[];
    readonly corsCredentials: boolean;
  };
}

export async function readLocalSettings(appDir: string): Promise<LocalSettings> {
  const source = path.join(appDir, 'local.settings.json');
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { source, exists: false, values: {}, connectionStrings: {}, host: { cors: [], corsCredentials: false } };
    }
    throw new LocalSettingsError(`${source}: cannot be read (${(error as Error).message}).`);
  }
  return parseLocalSettings(text, source);
}

export function parseLocalSettings(text: string, source: string): LocalSettings {
  let json: unknown;
  try {
    json = JSON.parse(stripBom(text));
  } catch (error) {
    throw new LocalSettingsError(`${source}: is not valid JSON (${(error as Error).message}). Fix the file or delete it.`);
  }
  const root = expectObject(json, source, '(root)');

  // func defaults a missing IsEncrypted to true and then fails to decrypt; plain text is what local files hold (§11).
  if (root.IsEncrypted !== undefined && typeof root.IsEncrypted !== 'boolean') {
    throw new LocalSettingsError(`${source}: "IsEncrypted" must be true or false, but is ${JSON.stringify(root.IsEncrypted)}.`);
  }
  if (root.IsEncrypted === true) {
    throw new LocalSettingsError(
      `${source}: "IsEncrypted" is true, but durable-runtime cannot decrypt settings. Run \`func settings decrypt\`, or write the values in plain text and set "IsEncrypted": false.`,
    );
  }

  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(expectObject(root.Values ?? {}, source, 'Values'))) {
    if (value === null) continue; // func skips null values too
    if (typeof value === 'string') values[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
    else throw new LocalSettingsError(`${source}: "Values.${key}" must be a string, but is ${JSON.stringify(value)}.`);
  }

  const connectionStrings: Record<string, string> = {};
  for (const [key, value] of Object.entries(expectObject(root.ConnectionStrings ?? {}, source, 'ConnectionStrings'))) {
    const text = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).ConnectionString : value;
    if (typeof text !== 'string') {
      throw new LocalSettingsError(`${source}: "ConnectionStrings.${key}" must be a string or {"ConnectionString": "..."}, but is ${JSON.stringify(value)}.`);
    }
    connectionStrings[key] = text;
  }

  const host = expectObject(root.Host ?? {}, source, 'Host');
  return {
    source,
    exists: true,
    values,
    connectionStrings,
    host: {
      localHttpPort: optionalPort(host.LocalHttpPort, source),
      cors: optionalOrigins(host.CORS, source),
      corsCredentials: optionalBoolean(host.CORSCredentials, source, 'Host.CORSCredentials'),
    },
  };
}

/**
 * Copies Values into the environment; a variable already set by the user wins (§5 step 1). `hostSet` remembers
 * what earlier loads in this process wrote, so loading a second app replaces those instead of treating them as the user's.
 */
export function applyLocalSettings(settings: LocalSettings, env: NodeJS.ProcessEnv, hostSet: Map<string, string>, logger: Logger): void {
  const apply = (key: string, value: string) => {
    const current = env[key];
    if (current !== undefined && hostSet.get(key) !== current) {
      logger.debug(`Skipping '${key}' from local settings as it's already defined in current environment variables.`);
      return;
    }
    env[key] = value;
    hostSet.set(key, value);
  };
  for (const [key, value] of Object.entries(settings.values)) apply(key, value);
  for (const [key, value] of Object.entries(settings.connectionStrings)) apply(`ConnectionStrings:${key}`, value);
}

/** A UTF-8 byte-order mark is allowed at the start of JSON files, as .NET reads them. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function expectObject(value: unknown, source: string, key: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LocalSettingsError(`${source}: "${key}" must be a JSON object, but is ${JSON.stringify(value)}.`);
  }
  return value as Record<string, unknown>;
}

function optionalPort(value: unknown, source: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const port = typeof value === 'string' ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LocalSettingsError(`${source}: "Host.LocalHttpPort" must be a port number from 1 to 65535, but is ${JSON.stringify(value)}.`);
  }
  return port;
}

function optionalOrigins(value: unknown, source: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value !== 'string') {
    throw new LocalSettingsError(`${source}: "Host.CORS" must be a comma-separated string of origins such as "http://localhost:3000,*", but is ${JSON.stringify(value)}.`);
  }
  return value.split(',').map((origin) => origin.trim()).filter(Boolean);
}

function optionalBoolean(value: unknown, source: string, key: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new LocalSettingsError(`${source}: "${key}" must be true or false, but is ${JSON.stringify(value)}.`);
}
