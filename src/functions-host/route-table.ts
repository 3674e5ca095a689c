// The HTTP routes of an app, validated the way the Functions host validates them at start-up
// (specs/functions-host.md §9: ScriptHost.ValidateHttpFunction / HttpRoutesConflict), and matched first-match-wins.

import type { RegisteredFunction } from './core-api';
import { FunctionRegistrationError } from './errors';
import { parseRouteTemplate, RouteTemplateError, type RouteTemplate } from './route-template';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface HttpRoute {
  readonly fn: RegisteredFunction;
  readonly template: RouteTemplate;
  /** Upper-case methods; undefined = every method. */
  readonly methods?: ReadonlySet<string>;
  readonly authLevel: AuthLevel;
}

export type RouteMatch = { route: HttpRoute; params: Record<string, string> };

export class RouteTable {
  private readonly prefixSegments: string[];

  constructor(
    readonly routes: readonly HttpRoute[],
    readonly routePrefix: string,
  ) {
    this.prefixSegments = routePrefix === '' ? [] : routePrefix.split('/').map((s) => s.toLowerCase());
  }

  /** The route for `method` and `pathname`; routes are tried in registration order and the first match wins (§9). */
  match(method: string, pathname: string): RouteMatch | undefined {
    const segments = pathname.split('/').filter((segment, index, all) => segment !== '' || (index > 0 && index < all.length - 1));
    if (segments.length < this.prefixSegments.length) return undefined;
    if (this.prefixSegments.some((prefix, i) => segments[i].toLowerCase() !== prefix)) return undefined;
    const rest = segments.slice(this.prefixSegments.length);
    const upperMethod = method.toUpperCase();
    for (const route of this.routes) {
      if (route.methods && !route.methods.has(upperMethod)) continue;
      const params = route.template.match(rest);
      if (params) return { route, params };
    }
    return undefined;
  }

  /** The URL path of a route as func prints it: `/api/items/{id:int}`. */
  displayPath(route: HttpRoute): string {
    return '/' + [this.routePrefix, route.template.text].filter(Boolean).join('/');
  }
}

export function buildRouteTable(functions: readonly RegisteredFunction[], routePrefix: string): RouteTable {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    if (fn.triggerType.toLowerCase() !== 'httptrigger') continue;
    const route = toRoute(fn);
    const conflict = routes.find((other) => routesConflict(other, route));
    if (conflict) {
      throw new FunctionRegistrationError(
        fn.name,
        `The route '${route.template.text}' of function '${fn.name}' conflicts with the route defined by function '${conflict.fn.name}'. ` +
          'Give one of them another route or other methods.',
      );
    }
    routes.push(route);
  }
  return new RouteTable(routes, routePrefix);
}

function toRoute(fn: RegisteredFunction): HttpRoute {
  const trigger = fn.bindings[fn.triggerBindingName];
  const routeOption = trigger.route;
  if (routeOption !== undefined && routeOption !== null && typeof routeOption !== 'string') {
    throw new FunctionRegistrationError(fn.name, `The route of function '${fn.name}' must be a string, but is ${JSON.stringify(routeOption)}.`);
  }
  const text = routeOption && routeOption.trim() !== '' ? routeOption : fn.name;
  const lowered = text.trim().replace(/^\/+/, '').toLowerCase();
  // A prefix check, as the host does: "administration/..." is rejected too (§9).
  if (lowered.startsWith('admin') || lowered.startsWith('runtime')) {
    throw new FunctionRegistrationError(
      fn.name,
      `The route '${text}' of function '${fn.name}' conflicts with one or more built in routes (routes may not start with "admin" or "runtime"). Choose another route.`,
    );
  }
  let template: RouteTemplate;
  try {
    template = parseRouteTemplate(text);
  } catch (error) {
    if (error instanceof RouteTemplateError) throw new FunctionRegistrationError(fn.name, `Function '${fn.name}': ${error.message}`);
    throw error;
  }
  return { fn, template, methods: toMethods(fn, trigger.methods), authLevel: toAuthLevel(fn, trigger.authLevel) };
}

function toMethods(fn: RegisteredFunction, methods: unknown): Set<string> | undefined {
  if (methods === undefined || methods === null) return undefined;
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string')) {
    throw new FunctionRegistrationError(fn.name, `The methods of function '${fn.name}' must be a list of HTTP methods such as ["GET", "POST"], but are ${JSON.stringify(methods)}.`);
  }
  return methods.length === 0 ? undefined : new Set(methods.map((m: string) => m.toUpperCase()));
}

function toAuthLevel(fn: RegisteredFunction, level: unknown): AuthLevel {
  // The host's default is "function"; app.http sets "anonymous" unless told otherwise (§4).
  if (level === undefined || level === null) return 'function';
  const lowered = typeof level === 'string' ? level.toLowerCase() : '';
  if (lowered === 'anonymous' || lowered === 'function' || lowered === 'admin') return lowered;
  throw new FunctionRegistrationError(fn.name, `The authLevel of function '${fn.name}' must be "anonymous", "function" or "admin", but is ${JSON.stringify(level)}.`);
}

/** Same template text (trimmed, case-insensitive) and overlapping methods; no methods means all (§9). */
function routesConflict(a: HttpRoute, b: HttpRoute): boolean {
  if (a.template.text.toLowerCase() !== b.template.text.toLowerCase()) return false;
  if (!a.methods || !b.methods) return true;
  return [...a.methods].some((method) => b.methods!.has(method));
}
