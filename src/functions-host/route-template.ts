// ASP.NET Core route templates, as HTTP trigger routes use them (specs/functions-host.md §9): literals, `{id}`,
// optional `{id?}`, defaults `{id=5}`, catch-all `{*rest}`, constraints `{id:int}`, `{s:length(2,5)}`, `{x:regex(^a+$)}`.
// Literals match case-insensitively; parameter values are URL-decoded.

import { DurableRuntimeError } from '../core';

export class RouteTemplateError extends DurableRuntimeError {}

export interface RouteTemplate {
  /** The template as written, without leading/trailing slashes. */
  readonly text: string;
  readonly parameterNames: readonly string[];
  /** Parameter values when the path segments match, else undefined. Unmatched optional parameters are absent. */
  match(segments: readonly string[]): Record<string, string> | undefined;
}

type Check = (value: string) => boolean;

interface Parameter {
  name: string;
  catchAll: boolean;
  optional: boolean;
  defaultValue?: string;
  checks: Check[];
}

type Part = { literal: string } | { parameter: Parameter };

interface Segment {
  parts: Part[];
  /** For segments mixing literals and parameters (`{name}.{ext}`); greedy groups give later parameters the shortest match, as ASP.NET matches right to left. */
  pattern?: RegExp;
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const text = template.trim().replace(/^~?\/+|\/+$/g, '');
  const segments = text === '' ? [] : text.split('/').map((raw) => parseSegment(raw, text));
  const parameters = segments.flatMap((s) => s.parts.flatMap((p) => ('parameter' in p ? [p.parameter] : [])));
  const names = new Set<string>();
  for (const parameter of parameters) {
    if (names.has(parameter.name.toLowerCase())) throw new RouteTemplateError(`The route parameter name '${parameter.name}' appears more than once in '${text}'.`);
    names.add(parameter.name.toLowerCase());
  }
  segments.forEach((segment, index) => {
    const single = singleParameter(segment);
    if (segment.parts.some((p) => 'parameter' in p && p.parameter.catchAll) && (!single || index !== segments.length - 1)) {
      throw new RouteTemplateError(`A catch-all parameter can only be a whole segment at the end of the route '${text}'.`);
    }
    if (single?.optional && segments.slice(index + 1).some((later) => !isSkippable(later))) {
      throw new RouteTemplateError(`The optional parameter '${single.name}' in '${text}' must be followed only by optional parameters.`);
    }
  });
  return {
    text,
    parameterNames: parameters.map((p) => p.name),
    match: (path) => matchSegments(segments, path),
  };
}

function matchSegments(segments: Segment[], path: readonly string[]): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const single = singleParameter(segment);
    if (single?.catchAll) {
      const rest = path.slice(i).map(decode);
      if (rest.includes(undefined)) return undefined;
      const value = rest.join('/');
      if (value !== '') {
        if (!single.checks.every((check) => check(value))) return undefined;
        values[single.name] = value;
      } else if (single.defaultValue !== undefined) values[single.name] = single.defaultValue;
      return values;
    }
    if (i >= path.length) {
      if (!single || !isSkippable(segment)) return undefined;
      if (single.defaultValue !== undefined) values[single.name] = single.defaultValue;
      continue;
    }
    const value = decode(path[i]);
    if (value === undefined || value === '' || !matchSegment(segment, value, values)) return undefined;
  }
  return path.length > segments.length ? undefined : values;
}

function matchSegment(segment: Segment, value: string, values: Record<string, string>): boolean {
  const single = singleParameter(segment);
  if (single) {
    if (!single.checks.every((check) => check(value))) return false;
    values[single.name] = value;
    return true;
  }
  if (!segment.pattern) {
    const literal = (segment.parts[0] as { literal: string }).literal;
    return literal.toLowerCase() === value.toLowerCase();
  }
  const match = segment.pattern.exec(value);
  if (!match) return false;
  const parameters = segment.parts.flatMap((p) => ('parameter' in p ? [p.parameter] : []));
  for (const [index, parameter] of parameters.entries()) {
    const captured = match[index + 1];
    if (!parameter.checks.every((check) => check(captured))) return false;
    values[parameter.name] = captured;
  }
  return true;
}

function singleParameter(segment: Segment): Parameter | undefined {
  const [only] = segment.parts;
  return segment.parts.length === 1 && 'parameter' in only ? only.parameter : undefined;
}

function isSkippable(segment: Segment): boolean {
  const single = singleParameter(segment);
  return !!single && (single.optional || single.catchAll || single.defaultValue !== undefined);
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function parseSegment(raw: string, template: string): Segment {
  if (raw === '') throw new RouteTemplateError(`The route '${template}' has an empty segment ('//').`);
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if ((char === '{' || char === '}') && raw[i + 1] === char) {
      literal += char; // "{{" and "}}" escape a brace
      i++;
    } else if (char === '{') {
      const end = findParameterEnd(raw, i + 1);
      if (end < 0) throw new RouteTemplateError(`The route '${template}' has an unclosed '{' in the segment '${raw}'.`);
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ parameter: parseParameter(raw.slice(i + 1, end).replace(/\{\{/g, '{').replace(/\}\}/g, '}'), template) });
      i = end;
    } else if (char === '}') {
      throw new RouteTemplateError(`The route '${template}' has an unmatched '}' in the segment '${raw}'.`);
    } else {
      literal += char;
    }
  }
  if (literal) parts.push({ literal });
  for (let i = 1; i < parts.length; i++) {
    if ('parameter' in parts[i] && 'parameter' in parts[i - 1]) {
      throw new RouteTemplateError(`The segment '${raw}' of route '${template}' has two parameters with no literal between them.`);
    }
  }
  const mixed = parts.length > 1;
  const pattern = mixed
    ? new RegExp(`^${parts.map((p) => ('literal' in p ? escapeRegExp(p.literal) : '(.+)')).join('')}$`, 'i')
    : undefined;
  return { parts, pattern };
}

/** The closing brace of a parameter; "}}" inside it is an escaped brace (regex constraints use them). */
function findParameterEnd(raw: string, from: number): number {
  for (let i = from; i < raw.length; i++) {
    if (raw[i] === '}' && raw[i + 1] === '}') i++;
    else if (raw[i] === '}') return i;
  }
  return -1;
}

function parseParameter(body: string, template: string): Parameter {
  let rest = body;
  const catchAll = /^\*{1,2}/.exec(rest)?.[0].length ?? 0;
  rest = rest.slice(catchAll);
  const name = /^[^:=?]+/.exec(rest)?.[0] ?? '';
  if (!/^[A-Za-z_][\w-]*$/.test(name)) throw new RouteTemplateError(`The route '${template}' has an invalid parameter name '${name}' in '{${body}}'.`);
  rest = rest.slice(name.length);

  const checks: Check[] = [];
  while (rest.startsWith(':')) {
    const constraint = /^:([A-Za-z]+)/.exec(rest);
    if (!constraint) throw new RouteTemplateError(`The route '${template}' has an empty constraint in '{${body}}'.`);
    rest = rest.slice(constraint[0].length);
    let args: string | undefined;
    if (rest.startsWith('(')) {
      const close = findArgumentsEnd(rest);
      if (close < 0) throw new RouteTemplateError(`The route '${template}' has an unclosed '(' in '{${body}}'.`);
      args = rest.slice(1, close);
      rest = rest.slice(close + 1);
    }
    checks.push(buildConstraint(constraint[1], args, `{${body}}`, template));
  }

  let optional = false;
  let defaultValue: string | undefined;
  if (rest === '?') {
    optional = true;
  } else if (rest.startsWith('=')) {
    defaultValue = rest.slice(1);
  } else if (rest !== '') {
    throw new RouteTemplateError(`The route '${template}' has unexpected text '${rest}' in '{${body}}'.`);
  }
  return { name, catchAll: catchAll > 0, optional, defaultValue, checks };
}

/** A constraint's arguments end at the first ")" followed by another constraint, a default, "?" or the end (as ASP.NET parses them). */
function findArgumentsEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === ')' && (i === text.length - 1 || ':=?'.includes(text[i + 1]))) return i;
  }
  return -1;
}

const INT32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

function integerIn([min, max]: readonly [bigint, bigint]): Check {
  return (value) => /^\s*[+-]?\d+\s*$/.test(value) && BigInt(value.trim()) >= min && BigInt(value.trim()) <= max;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const GUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\))$/i;
const DATE = /^\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$|^\d{1,2}\/\d{1,2}\/\d{4}( \d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?)?$/i;

const isNumber: Check = (v) => NUMBER.test(v);
const isLong = integerIn(INT64);
const SIMPLE_CONSTRAINTS: Record<string, Check> = {
  int: integerIn(INT32),
  long: isLong,
  bool: (v) => /^\s*(true|false)\s*$/i.test(v),
  guid: (v) => GUID.test(v.trim()),
  datetime: (v) => DATE.test(v.trim()) && !Number.isNaN(Date.parse(v.trim())),
  decimal: isNumber,
  double: isNumber,
  float: isNumber,
  alpha: (v) => /^[a-z]*$/i.test(v),
  required: (v) => v !== '',
  file: (v) => /\.[^./]+$/.test(v),
  nonfile: (v) => !/\.[^./]+$/.test(v),
};

/** The inline constraints ASP.NET Core ships (Microsoft.AspNetCore.Routing.Constraints). */
function buildConstraint(name: string, args: string | undefined, parameter: string, template: string): Check {
  const fail = (expected: string) => new RouteTemplateError(`The constraint '${name}' in ${parameter} of route '${template}' ${expected}.`);
  const numbers = (count: number[]): bigint[] => {
    const list = args === undefined ? [] : args.split(',').map((a) => a.trim());
    if (!count.includes(list.length) || list.some((a) => !/^-?\d+$/.test(a))) throw fail(`needs ${count.join(' or ')} whole-number argument(s)`);
    return list.map((a) => BigInt(a));
  };
  const simple = SIMPLE_CONSTRAINTS[name.toLowerCase()];
  if (simple) {
    if (args !== undefined) throw fail('takes no arguments');
    return simple;
  }
  switch (name.toLowerCase()) {
    case 'min': {
      const [min] = numbers([1]);
      return (v) => isLong(v) && BigInt(v.trim()) >= min;
    }
    case 'max': {
      const [max] = numbers([1]);
      return (v) => isLong(v) && BigInt(v.trim()) <= max;
    }
    case 'range': {
      const [min, max] = numbers([2]);
      return (v) => isLong(v) && BigInt(v.trim()) >= min && BigInt(v.trim()) <= max;
    }
    case 'minlength': {
      const [min] = numbers([1]);
      return (v) => v.length >= min;
    }
    case 'maxlength': {
      const [max] = numbers([1]);
      return (v) => v.length <= max;
    }
    case 'length': {
      const [a, b] = numbers([1, 2]);
      return b === undefined ? (v) => BigInt(v.length) === a : (v) => v.length >= a && v.length <= b;
    }
    case 'regex': {
      if (!args) throw fail('needs a pattern, e.g. regex(^\\d{{3}}$)');
      let pattern: RegExp;
      try {
        pattern = new RegExp(args, 'i');
      } catch (error) {
        throw fail(`has an invalid pattern (${(error as Error).message})`);
      }
      return (v) => pattern.test(v);
    }
    default:
      throw fail(
        'is not supported; use one of int, long, bool, guid, datetime, decimal, double, float, alpha, required, file, nonfile, min(n), max(n), range(a,b), minlength(n), maxlength(n), length(n) or length(a,b), regex(pattern)',
      );
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
