// Blob paths `<container>/<name>` and the names Azure accepts for containers and queues, checked before any request
// so a bad name gets a message naming the function and the binding instead of a bare 400.

import { BindingError } from './binding-error';
import type { BindingCall } from './binding-type';

export class InvalidStorageNameError extends BindingError {}

/** Containers and queues: 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit. */
const CONTAINER_OR_QUEUE = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;

export function checkContainerOrQueueName(kind: 'container' | 'queue', name: string, where: string): string {
  if (!CONTAINER_OR_QUEUE.test(name)) {
    throw new InvalidStorageNameError(
      `${where}: '${name}' is not a valid ${kind} name. Use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.`,
    );
  }
  return name;
}

export function splitBlobPath(path: string, call: Pick<BindingCall, 'binding' | 'invocation'>): { container: string; blobName: string } {
  const where = `Function '${call.invocation.fn.name}', blob binding '${call.binding.name}'`;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    throw new InvalidStorageNameError(`${where}: the path '${path}' must be '<container>/<blob name>'.`);
  }
  return { container: checkContainerOrQueueName('container', path.slice(0, slash), where), blobName: path.slice(slash + 1) };
}
