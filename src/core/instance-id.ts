// Instance ids. New instance and execution ids: 32 lower-case hex digits, as .NET's Guid.NewGuid().ToString("N")
// that the Durable extension uses for default instance ids (specs/durable-functions-protocol.md §7, POST
// orchestrators). Caller-chosen ids follow the rules of the extension's DurableClient.StartNewAsync (§7,
// `orchestrators/{functionName}/{instanceId?}`); the same rules apply to entity keys a client signals.

import { randomUUID } from 'node:crypto';

export function newInstanceId(): string {
  return randomUUID().replace(/-/g, '');
}

export const MAX_INSTANCE_ID_LENGTH = 256;

/** `/ \ # ?` and control characters (.NET `char.IsControl`: U+0000–U+001F and U+007F–U+009F). */
function hasInvalidIdCharacter(value: string): boolean {
  return /[/\\#?\u0000-\u001f\u007f-\u009f]/.test(value);
}

/** Returns what is wrong with a caller-chosen orchestration instance id, or undefined when it is valid. */
export function instanceIdProblem(instanceId: string): string | undefined {
  if (instanceId.startsWith('@')) {
    return `Instance ID '${instanceId}' starts with '@', which is reserved for entities; choose an ID that does not start with '@'.`;
  }
  if (hasInvalidIdCharacter(instanceId)) {
    return `Instance ID '${printable(instanceId)}' contains /, \\, #, ? or a control character; remove them.`;
  }
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH) {
    return `Instance ID is ${instanceId.length} characters long; instance IDs must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`;
  }
  return undefined;
}

/** Returns what is wrong with an entity key a client signals, or undefined when it is valid. */
export function entityKeyProblem(key: string): string | undefined {
  if (hasInvalidIdCharacter(key)) {
    return `Entity key '${printable(key)}' contains /, \\, #, ? or a control character; remove them.`;
  }
  return undefined;
}

/** Escapes control characters so an error message stays on one readable line. */
function printable(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
