// Blob trigger paths: `<container>/<name pattern>`, where the pattern holds `{name}` captures (`input/{name}`,
// `input/{blobname}.{blobextension}`, `samples/{name}.png`) and `{{`/`}}` for literal braces; the container cannot
// hold expressions (specs/storage-bindings.md §4.3 "Path patterns"). Captures become binding data.

import { BindingError } from './binding-error';

export interface BlobPathPattern {
  readonly container: string;
  /** The literal start of the name pattern: the listing prefix of a container scan. */
  readonly prefix: string;
  /** The captures of a blob name, or undefined when it does not match. */
  match(blobName: string): Record<string, string> | undefined;
}

export function parseBlobPathPattern(path: string, where: string): BlobPathPattern {
  const slash = path.indexOf('/');
  const container = slash < 0 ? path : path.slice(0, slash);
  const pattern = slash < 0 ? '{name}' : path.slice(slash + 1);
  if (/[{}]/.test(container)) throw new BindingError(`${where}: the container of '${path}' cannot hold an expression; write '<container>/{name}'.`);
  const names: string[] = [];
  let prefix: string | undefined;
  let source = '';
  let literal = '';
  for (const token of pattern.match(/\{\{|\}\}|\{[^{}]*\}|[^{}]+|[{}]/g) ?? []) {
    if (token === '{{' || token === '}}') literal += token[0];
    else if (token.startsWith('{') && token.length > 1) {
      const name = token.slice(1, -1).trim();
      if (!/^[A-Za-z_][\w-]*$/.test(name)) throw new BindingError(`${where}: '${token}' in '${path}' is not a capture name.`);
      prefix ??= literal;
      source += escape(literal) + '([^]+?)';
      literal = '';
      names.push(name);
    } else literal += token;
  }
  source += escape(literal);
  const regex = new RegExp(`^${source}$`);
  return {
    container,
    prefix: prefix ?? literal,
    match(blobName) {
      const found = regex.exec(blobName);
      return found ? Object.fromEntries(names.map((name, i) => [name, found[i + 1]])) : undefined;
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
