// What the memory backend stores it copies once and freezes, so it can hand the same objects to every reader
// (work items, queries) without copying them again: nobody can change stored state through what they were given,
// and a history read per episode costs nothing however long the history is.

/** A deep copy of `value` that is frozen through and through. */
export function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

/** Freezes `value` and everything it holds (for values built by the backend itself, e.g. a new history array). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
