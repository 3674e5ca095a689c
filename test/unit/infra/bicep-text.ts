/**
 * A small reader for the subset of Bicep that infra/ uses, so tests can check the templates without a Bicep compiler
 * (none can be installed on these machines; infra/README.md). It finds top-level declarations, parses object and array
 * literals, and evaluates the few expression forms the app settings are built from: string, number and bool literals,
 * identifiers bound to params and vars, `==`, `? :` and `union()`. Anything else stays an opaque expression.
 */

/** An expression this reader does not evaluate, kept as its source text. */
export class Opaque {
  constructor(readonly source: string) {}
}
export type BicepValue = string | number | boolean | Opaque | BicepValue[] | { [key: string]: BicepValue };

export interface Declaration {
  kind: 'param' | 'var' | 'output' | 'module' | 'resource';
  name: string;
  /** Text between the name and `=` (param/output type, module path, resource type), trimmed. */
  head: string;
  /** Text after `=` to the end of the statement, trimmed; '' for a param without default. */
  body: string;
  /** Decorator lines directly above, e.g. `@export()`. */
  decorators: string[];
}

/**
 * Returns `text` with comments blanked and string contents (interpolations included) replaced by `_`, keeping
 * quotes, newlines and every index, so brackets and operators can be found with plain scans.
 */
export function maskCommentsAndStrings(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number, fill: string) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = fill;
  };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop, ' ');
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop, ' ');
      i = stop;
    } else if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      const stop = end < 0 ? text.length : end;
      blank(i + 3, stop, '_');
      i = stop + 3;
    } else if (text[i] === "'") {
      const end = endOfString(text, i);
      blank(i + 1, end - 1, '_');
      i = end;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** Index just past the closing quote of the string opening at `start`; interpolations may hold nested strings. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === "'") return i + 1;
    else if (text.startsWith('${', i)) i = interpolationEnd(text, i) + 1;
    else i++;
  }
  throw new Error(`Unterminated Bicep string starting at offset ${start}: ${text.slice(start, start + 60)}`);
}

/** Index of the `}` closing the interpolation `${` at `start`. */
function interpolationEnd(text: string, start: number): number {
  let depth = 0;
  let i = start + 2;
  while (i < text.length) {
    if (text[i] === "'") {
      i = endOfString(text, i);
      continue;
    }
    if (text[i] === '{') depth++;
    if (text[i] === '}' && depth-- === 0) return i;
    i++;
  }
  throw new Error(`Unterminated interpolation at offset ${start}: ${text.slice(start, start + 60)}`);
}

const OPEN = '([{';
const CLOSE = ')]}';

/** Index of the bracket closing the one at `open` in masked text. */
export function closingIndex(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (OPEN.includes(masked[i])) depth++;
    else if (CLOSE.includes(masked[i]) && --depth === 0) return i;
  }
  throw new Error(`Unbalanced '${masked[open]}' at offset ${open}`);
}

/** Offsets in masked text where `accept` holds at bracket depth 0. */
function topLevelPositions(masked: string, accept: (i: number) => boolean): number[] {
  const found: number[] = [];
  let depth = 0;
  for (let i = 0; i < masked.length; i++) {
    if (OPEN.includes(masked[i])) depth++;
    else if (CLOSE.includes(masked[i])) depth--;
    else if (depth === 0 && accept(i)) found.push(i);
  }
  return found;
}

/** Splits the inside of an object/array literal (or argument list) into its items, at top-level newlines or commas. */
function splitItems(source: string): string[] {
  const masked = maskCommentsAndStrings(source);
  const cuts = topLevelPositions(masked, (i) => masked[i] === '\n' || masked[i] === ',');
  const items: string[] = [];
  let from = 0;
  for (const cut of [...cuts, source.length]) {
    const maskedItem = masked.slice(from, cut).trim();
    if (maskedItem !== '') items.push(stripComments(source.slice(from, cut)).trim());
    from = cut + 1;
  }
  return items;
}

function stripComments(source: string): string {
  const masked = maskCommentsAndStrings(source);
  return source
    .split('')
    .map((c, i) => (masked[i] === ' ' && c !== ' ' && c !== '\t' && c !== '\n' ? ' ' : c))
    .join('');
}

/** Top-level declarations of a Bicep file, in order. */
export function declarations(text: string): Declaration[] {
  const masked = maskCommentsAndStrings(text);
  const result: Declaration[] = [];
  const lineStarts = topLevelPositions(masked, (i) => i === 0 || masked[i - 1] === '\n');
  let decorators: string[] = [];
  for (const start of lineStarts) {
    const m = /^(param|var|output|module|resource)\s+(\w+)\s*/.exec(masked.slice(start, start + 200));
    const end = statementEnd(masked, start);
    const statement = text.slice(start, end);
    if (masked.slice(start, end).trimStart().startsWith('@')) {
      decorators.push(statement.trim());
      continue;
    }
    if (!m) {
      if (masked.slice(start, end).trim() !== '') decorators = [];
      continue;
    }
    const maskedStatement = masked.slice(start, end);
    const isAssignment = (i: number) =>
      maskedStatement[i] === '=' && !'=!<>'.includes(maskedStatement[i - 1]) && maskedStatement[i + 1] !== '=';
    const eq = topLevelPositions(maskedStatement, isAssignment)[0];
    const headEnd = eq ?? statement.length;
    result.push({
      kind: m[1] as Declaration['kind'],
      name: m[2],
      head: stripComments(statement.slice(m[0].length, headEnd)).trim(),
      body: eq === undefined ? '' : stripComments(statement.slice(eq + 1)).trim(),
      decorators,
    });
    decorators = [];
  }
  return result;
}

/** End of the statement starting at `start`: the first newline at bracket depth 0. */
function statementEnd(masked: string, start: number): number {
  let depth = 0;
  for (let i = start; i < masked.length; i++) {
    if (OPEN.includes(masked[i])) depth++;
    else if (CLOSE.includes(masked[i])) depth--;
    else if (masked[i] === '\n' && depth === 0) return i;
  }
  return masked.length;
}

/** The module path or resource type, unquoted; `head` is e.g. `'modules/storage.bicep'`. */
export function quotedHead(declaration: Declaration): string {
  const m = /^'([^']*)'/.exec(declaration.head);
  if (!m) throw new Error(`${declaration.kind} ${declaration.name} has no quoted path or type: ${declaration.head}`);
  return m[1];
}

/** The object literal a module/resource declaration assigns, after any `if (...)` or `[for ...: ` prefix. */
export function declarationObject(declaration: Declaration): string {
  const body = declaration.body;
  const masked = maskCommentsAndStrings(body);
  let open = masked.indexOf('{');
  if (/^\[\s*for\b/.test(masked)) {
    const colon = topLevelPositions(masked.slice(1), (i) => masked[i + 1] === ':')[0];
    open = masked.indexOf('{', colon + 1);
  }
  if (open < 0) throw new Error(`${declaration.kind} ${declaration.name} has no object body`);
  return body.slice(open, closingIndex(masked, open) + 1);
}

/** Names bound while evaluating: params fixed by a scenario, otherwise params' defaults and vars. */
export interface Scope {
  bindings: Record<string, BicepValue>;
  declarations: Declaration[];
}

export function evaluate(source: string, scope: Scope): BicepValue {
  const expr = stripComments(source).trim();
  const masked = maskCommentsAndStrings(expr);

  // A ternary's `?`, not `??` (coalesce) or `.?` (safe dereference).
  const isTernary = (i: number) => masked[i] === '?' && !'?.'.includes(masked[i + 1]) && !'?.'.includes(masked[i - 1]);
  const question = topLevelPositions(masked, isTernary)[0];
  if (question !== undefined) {
    const colon = topLevelPositions(masked, (i) => i > question && masked[i] === ':')[0];
    if (colon === undefined) return new Opaque(expr);
    const condition = evaluate(expr.slice(0, question), scope);
    if (typeof condition !== 'boolean') return new Opaque(expr);
    return evaluate(condition ? expr.slice(question + 1, colon) : expr.slice(colon + 1), scope);
  }

  const equality = topLevelPositions(masked, (i) => (masked[i] === '=' || masked[i] === '!') && masked[i + 1] === '=')[0];
  if (equality !== undefined) {
    const left = evaluate(expr.slice(0, equality), scope);
    const right = evaluate(expr.slice(equality + 2), scope);
    if (left instanceof Opaque || right instanceof Opaque) return new Opaque(expr);
    return (JSON.stringify(left) === JSON.stringify(right)) === (masked[equality] === '=');
  }

  if (masked.startsWith('{') && closingIndex(masked, 0) === masked.length - 1) return parseObject(expr, scope);
  if (masked.startsWith('[') && closingIndex(masked, 0) === masked.length - 1) {
    return splitItems(expr.slice(1, -1)).map((item) => evaluate(item, scope));
  }
  const call = /^union\s*\(/.exec(masked);
  if (call && closingIndex(masked, call[0].length - 1) === masked.length - 1) {
    const parts = splitItems(expr.slice(call[0].length, -1)).map((arg) => evaluate(arg, scope));
    if (!parts.every(isObject)) return new Opaque(expr);
    return Object.assign({}, ...parts);
  }
  if (/^'[^']*'$/.test(masked)) return stringLiteral(expr, scope);
  if (/^-?\d+$/.test(expr)) return Number(expr);
  if (expr === 'true' || expr === 'false') return expr === 'true';
  if (/^\w+$/.test(expr)) return lookup(expr, scope);
  return new Opaque(expr);
}

function lookup(name: string, scope: Scope): BicepValue {
  if (name in scope.bindings) return scope.bindings[name];
  const declaration = scope.declarations.find((d) => d.name === name && (d.kind === 'var' || d.kind === 'param'));
  if (!declaration || declaration.body === '') return new Opaque(name);
  return evaluate(declaration.body, scope);
}

function parseObject(source: string, scope: Scope): { [key: string]: BicepValue } {
  const result: { [key: string]: BicepValue } = {};
  for (const item of splitItems(source.slice(1, -1))) {
    if (/^resource\s/.test(item)) continue; // a nested child resource declaration, not a property
    const masked = maskCommentsAndStrings(item);
    const colon = topLevelPositions(masked, (i) => masked[i] === ':')[0];
    if (colon === undefined) throw new Error(`Object entry without ':' in Bicep: ${item}`);
    const rawKey = item.slice(0, colon).trim();
    const key = rawKey.startsWith("'") ? stringLiteral(rawKey, scope) : rawKey;
    // An interpolated key the reader cannot resolve is kept as its source text.
    result[typeof key === 'string' ? key : key.source] = evaluate(item.slice(colon + 1), scope);
  }
  return result;
}

/**
 * A quoted Bicep string with its interpolations evaluated: a string when every one resolves to a string or number,
 * else an Opaque whose source has the resolvable ones substituted.
 */
function stringLiteral(source: string, scope: Scope): string | Opaque {
  let value = '';
  let resolved = true;
  let i = 1;
  while (i < source.length - 1) {
    if (source[i] === '\\') {
      const c = source[i + 1];
      value += ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c;
      i += 2;
    } else if (source.startsWith('${', i)) {
      const close = interpolationEnd(source, i);
      const inner = evaluate(source.slice(i + 2, close), scope);
      if (typeof inner === 'string' || typeof inner === 'number') value += String(inner);
      else {
        value += source.slice(i, close + 1);
        resolved = false;
      }
      i = close + 1;
    } else {
      value += source[i++];
    }
  }
  return resolved ? value : new Opaque(`'${value}'`);
}

export function isObject(value: BicepValue | undefined): value is { [key: string]: BicepValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Opaque);
}

/** Follows `path` through nested objects; undefined when any step is missing. */
export function at(value: BicepValue | undefined, ...path: string[]): BicepValue | undefined {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}
