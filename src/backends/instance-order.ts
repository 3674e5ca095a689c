// The order every backend pages instances in (creation time, then instance id; or the reverse), and the
// continuation token that names the last instance handed out, so paging sees each instance once while others are
// added or purged.

export type InstanceOrderKey = [createdMs: number, instanceId: string];

export function instanceOrderKey(createdAt: string, instanceId: string): InstanceOrderKey {
  return [Date.parse(createdAt), instanceId];
}

export function compareInstanceOrder(a: InstanceOrderKey, b: InstanceOrderKey): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * One page of `entries` (already filtered, in any order): sorted, after the entry the token names, at most
 * `pageSize` long (all when undefined), with the token of its last entry when more follow. A page of a large hub is
 * picked without sorting all of it: one pass keeps the best `pageSize` entries in order.
 */
export function pageInOrder<T>(
  entries: readonly { key: InstanceOrderKey; value: T }[],
  options: { pageSize?: number; continuationToken?: string; descending?: boolean },
): { values: T[]; continuationToken?: string } {
  const { pageSize } = options;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
    throw new RangeError(`Invalid pageSize ${pageSize}: pass a positive whole number, or none for all instances.`);
  }
  const sign = options.descending ? -1 : 1;
  const order = (a: { key: InstanceOrderKey }, b: { key: InstanceOrderKey }) => sign * compareInstanceOrder(a.key, b.key);
  const after = options.continuationToken === undefined ? undefined : decodeContinuationToken(options.continuationToken);
  const rest = after === undefined ? entries : entries.filter(({ key }) => sign * compareInstanceOrder(key, after) > 0);
  if (pageSize === undefined || rest.length <= pageSize) return { values: [...rest].sort(order).map(({ value }) => value) };
  const page: { key: InstanceOrderKey; value: T }[] = [];
  for (const entry of rest) {
    if (page.length === pageSize && order(entry, page[pageSize - 1]) >= 0) continue;
    let low = 0;
    let high = page.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (order(page[middle], entry) <= 0) low = middle + 1;
      else high = middle;
    }
    page.splice(low, 0, entry);
    if (page.length > pageSize) page.pop();
  }
  return { values: page.map(({ value }) => value), continuationToken: encodeContinuationToken(page[page.length - 1].key) };
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
