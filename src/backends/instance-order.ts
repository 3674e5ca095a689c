// The order every backend pages instances in (creation time, then instance id), and the continuation token that
// names the last instance handed out, so paging sees each instance once while others are added or purged.

export type InstanceOrderKey = [createdMs: number, instanceId: string];

export function instanceOrderKey(createdAt: string, instanceId: string): InstanceOrderKey {
  return [Date.parse(createdAt), instanceId];
}

export function compareInstanceOrder(a: InstanceOrderKey, b: InstanceOrderKey): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

export function encodeContinuationToken(key: InstanceOrderKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeContinuationToken(token: string): InstanceOrderKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'number' && typeof key[1] === 'string') return key as InstanceOrderKey;
  } catch {
    // reported below
  }
  throw new RangeError(`Invalid continuation token '${token}': pass back the token of the previous page unchanged.`);
}
