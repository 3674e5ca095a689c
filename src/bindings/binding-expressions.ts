// Binding expressions, shared by every binding: `{name}` from the invocation's binding data (trigger metadata, the
// properties of a JSON trigger payload, HTTP route and query values, blob path captures), dotted paths into the
// payload, `{rand-guid}`, `{DateTime}`, `%AppSetting%`, and `{{`/`}}` for literal braces
// (specs/storage-bindings.md "Binding expressions from a JSON trigger payload"; azure-docs
// functions-bindings-expressions-patterns.md "Binding expressions - app settings", "Trigger file name",
// "Trigger metadata", "JSON payloads", "Dot notation", "Create GUIDs", "Current time").

import { randomUUID } from 'node:crypto';
import { BindingError } from './binding-error';

/** An expression of a binding cannot be resolved: the invocation fails with this message. */
export class BindingExpressionError extends BindingError {
  constructor(
    readonly functionName: string,
    readonly bindingName: string,
    readonly expression: string,
    why: string,
  ) {
    super(`Function '${functionName}', binding '${bindingName}': cannot resolve ${expression}: ${why}`);
  }
}

export interface ExpressionScope {
  readonly functionName: string;
  readonly bindingName: string;
  /** Binding data of the invocation; names are matched case-insensitively, as in the host. */
  readonly data: Readonly<Record<string, unknown>>;
  /** App settings for `%Name%`. */
  readonly settings: Readonly<Record<string, string | undefined>>;
  /** Table bindings do not support dot notation (expressions doc, "Dot notation"). */
  readonly allowDotNotation?: boolean;
  readonly now?: () => Date;
  readonly newGuid?: () => string;
}

const TOKEN = /\{\{|\}\}|\{([^{}]*)\}|%([^%]*)%/g;

/** Resolves every expression in `template`; throws BindingExpressionError naming the first one that cannot be. */
export function resolveBindingExpression(template: string, scope: ExpressionScope): string {
  return template.replace(TOKEN, (token: string, name: string | undefined, setting: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    if (setting !== undefined) return appSetting(setting, scope);
    return bindingValue(name!.trim(), token, scope);
  });
}

/** The names of the `{…}` parameters in a template (not `%settings%`, not escaped braces). */
export function bindingParameters(template: string): string[] {
  return [...template.matchAll(TOKEN)].flatMap((match) => (match[1] !== undefined ? [match[1].trim()] : []));
}

function appSetting(name: string, scope: ExpressionScope): string {
  const value = scope.settings[name] ?? Object.entries(scope.settings).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  if (value === undefined) {
    throw new BindingExpressionError(scope.functionName, scope.bindingName, `%${name}%`, `the app setting '${name}' is not set. Add it to local.settings.json "Values" or the environment.`);
  }
  return value;
}

function bindingValue(name: string, token: string, scope: ExpressionScope): string {
  switch (name.toLowerCase()) {
    case 'rand-guid':
    case 'sys.randguid':
      return (scope.newGuid ?? randomUUID)();
    case 'datetime':
      // DateTime.UtcNow as the host formats it for paths: 2018-02-16T17-59-55Z (expressions doc, "Current time").
      return (scope.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
    case 'sys.utcnow':
      return (scope.now?.() ?? new Date()).toISOString();
  }
  const path = name.split('.');
  if (path.length > 1 && scope.allowDotNotation === false) {
    throw new BindingExpressionError(scope.functionName, scope.bindingName, token, 'this binding does not support dot notation (table bindings read top-level names only).');
  }
  let value: unknown = scope.data;
  for (const segment of path) {
    value = propertyOf(value, segment);
    if (value === undefined) break;
  }
  if (value === undefined || value === null) {
    const known = Object.keys(scope.data);
    throw new BindingExpressionError(
      scope.functionName,
      scope.bindingName,
      token,
      `no value for '${name}' in the trigger's binding data` + (known.length ? ` (it has: ${known.join(', ')})` : ' (it has none)') + '.',
    );
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function propertyOf(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, name)) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}
