// host.json: parsed, app settings substituted for %NAME%, and overridden by AzureFunctionsJobHost__* settings
// (specs/azure-deployment.md §6). Typed accessors cover what the runtime reads; errors name the file, the key and the form.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HostConfigError } from './errors';
import { stripBom } from './local-settings';
import { parseTimeSpan } from '../core';

export interface HostConfig {
  /** Absolute path of host.json, for messages. */
  readonly source: string;
  readonly exists: boolean;
  /** `extensions.http.routePrefix`, default "api"; "" removes the prefix (specs/functions-host.md §9). */
  readonly routePrefix: string;
  /** `functionTimeout` in ms; undefined when unbounded ("-1"). Default 30 minutes, as on dedicated plans. */
  readonly functionTimeoutMs: number | undefined;
  /** `extensions.durableTask`, unparsed (the durable layers validate it). */
  readonly durableTask: Record<string, unknown> | undefined;
  /** `logging.logLevel.default` ("Information" when absent). */
  readonly defaultLogLevel: string;
  /** Case-insensitive lookup of a dotted path, e.g. `get('extensions.durableTask.hubName')`. */
  get(dottedPath: string): unknown;
}

export const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60_000;
const OVERRIDE_PREFIX = 'azurefunctionsjobhost';

export async function readHostConfig(appDir: string, env: NodeJS.ProcessEnv): Promise<HostConfig> {
  const source = path.join(appDir, 'host.json');
  let text: string | undefined;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new HostConfigError(`${source}: cannot be read (${(error as Error).message}).`);
  }
  return parseHostConfig(text, source, env);
}

/** `text` undefined means the file does not exist: defaults apply (plus overrides). */
export function parseHostConfig(text: string | undefined, source: string, env: NodeJS.ProcessEnv): HostConfig {
  let document: Record<string, unknown> = {};
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(stripBom(text));
    } catch (error) {
      throw new HostConfigError(`${source}: is not valid JSON (${(error as Error).message}). Fix the file; see https://learn.microsoft.com/azure/azure-functions/functions-host-json.`);
    }
    if (!isObject(json)) throw new HostConfigError(`${source}: must hold a JSON object like {"version": "2.0"}.`);
    document = json;
    if (lookup(document, ['version']) !== '2.0') {
      throw new HostConfigError(`${source}: "version" must be "2.0" (the Functions v4 host.json schema), but is ${JSON.stringify(lookup(document, ['version']))}.`);
    }
  }
  applyOverrides(document, env);
  const substituted = substituteSettings(document, env, source, []) as Record<string, unknown>;
  return buildHostConfig(substituted, source, text !== undefined);
}

function buildHostConfig(raw: Record<string, unknown>, source: string, exists: boolean): HostConfig {
  const get = (dottedPath: string) => lookup(raw, dottedPath.split('.'));

  const routePrefix = get('extensions.http.routePrefix') ?? 'api';
  if (typeof routePrefix !== 'string') {
    throw new HostConfigError(`${source}: "extensions.http.routePrefix" must be a string such as "api" (or "" for none), but is ${JSON.stringify(routePrefix)}.`);
  }

  const durableTask = get('extensions.durableTask');
  if (durableTask !== undefined && !isObject(durableTask)) {
    throw new HostConfigError(`${source}: "extensions.durableTask" must be an object, but is ${JSON.stringify(durableTask)}.`);
  }

  const logLevel = get('logging.logLevel.default') ?? 'Information';
  if (typeof logLevel !== 'string') {
    throw new HostConfigError(`${source}: "logging.logLevel.default" must be a level name such as "Information", but is ${JSON.stringify(logLevel)}.`);
  }

  return {
    source,
    exists,
    routePrefix: routePrefix.replace(/^\/+|\/+$/g, ''),
    functionTimeoutMs: functionTimeout(get('functionTimeout'), source),
    durableTask: durableTask as Record<string, unknown> | undefined,
    defaultLogLevel: logLevel,
    get,
  };
}

function functionTimeout(value: unknown, source: string): number | undefined {
  if (value === undefined || value === null) return DEFAULT_FUNCTION_TIMEOUT_MS;
  if (value === '-1' || value === -1) return undefined;
  const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
  if (ms === undefined || ms <= 0) {
    throw new HostConfigError(`${source}: "functionTimeout" must be a time span such as "00:05:00" (or "-1" for no limit), but is ${JSON.stringify(value)}.`);
  }
  return ms;
}

/**
 * App settings named `AzureFunctionsJobHost__path__to__key` replace host.json values; the path is case-insensitive and
 * missing sections are created (specs/azure-deployment.md §6). Linux uses "__"; ":" is accepted as on Windows.
 */
export function applyOverrides(document: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const segments = name.split(/__|:/);
    if (segments.length < 2 || segments[0].toLowerCase() !== OVERRIDE_PREFIX || segments.some((s) => s === '')) continue;
    let node: Record<string, unknown> = document;
    const keys = segments.slice(1);
    keys.forEach((segment, index) => {
      const key = Object.keys(node).find((k) => k.toLowerCase() === segment.toLowerCase()) ?? segment;
      if (index === keys.length - 1) {
        node[key] = value;
      } else {
        if (!isObject(node[key]) && !Array.isArray(node[key])) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
    });
  }
}

/** Replaces %NAME% with the app setting NAME in every string value; an unknown setting is an error naming the key. */
function substituteSettings(value: unknown, env: NodeJS.ProcessEnv, source: string, keyPath: string[]): unknown {
  if (typeof value === 'string') return resolveAppSettings(value, env, (name) => new HostConfigError(
    `${source}: "${keyPath.join('.')}" refers to the app setting %${name}%, which is not set. Add "${name}" to local.settings.json "Values" or to the environment.`,
  ));
  if (Array.isArray(value)) return value.map((item, i) => substituteSettings(item, env, source, [...keyPath, String(i)]));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteSettings(v, env, source, [...keyPath, k])]));
  }
  return value;
}

/** Binding-expression style %NAME% resolution, shared by host.json and binding options such as a timer's schedule. */
export function resolveAppSettings(text: string, env: NodeJS.ProcessEnv, missing: (name: string) => Error): string {
  return text.replace(/%([A-Za-z0-9_.:-]+)%/g, (_, name: string) => {
    const value = env[name] ?? Object.entries(env).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (value === undefined) throw missing(name);
    return value;
  });
}

function lookup(document: Record<string, unknown>, keys: string[]): unknown {
  let node: unknown = document;
  for (const segment of keys) {
    if (!isObject(node)) return undefined;
    const key = Object.keys(node).find((k) => k.toLowerCase() === segment.toLowerCase());
    if (key === undefined) return undefined;
    node = node[key];
  }
  return node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
