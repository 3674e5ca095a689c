// Entity ids (specs/durable-functions-protocol.md §4.1): the scheduler id is "@" + lower-cased name + "@" + key.
// Keys may contain "@"; parsing splits at the second "@".

export interface EntityId {
  name: string;
  key: string;
}

export function isEntityInstanceId(instanceId: string): boolean {
  return instanceId.startsWith('@');
}

export function toSchedulerId(entity: EntityId): string {
  return `@${entity.name.toLowerCase()}@${entity.key}`;
}

export function parseSchedulerId(instanceId: string): EntityId {
  const second = instanceId.indexOf('@', 1);
  if (!instanceId.startsWith('@') || second < 0) {
    throw new RangeError(`'${instanceId}' is not an entity instance id; expected "@<name>@<key>"`);
  }
  return { name: instanceId.slice(1, second), key: instanceId.slice(second + 1) };
}
