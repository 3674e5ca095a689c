// What the memory backend stores it copies once and freezes, so it can hand the same objects to every reader
// (work items, queries) without copying them again: nobody can change stored state through what they were given,
// and a history read per episode costs nothing however long the history is.
//
// Stored values are plain data (the core model: strings, numbers, booleans, arrays, plain objects), which a walk
// copies several times faster than structuredClone, whose serialization dominated the backend's profile (issue 18).
// Anything else (a Date, a Map, a cycle deep enough to reach MAX_WALK_DEPTH) goes to structuredClone, so the copy
// keeps its semantics and a function or symbol still fails with its DataCloneError.

/** Deeper than any history event or record; past it the walk hands over to structuredClone (which handles cycles). */
const MAX_WALK_DEPTH = 64;

/** A deep copy of `value` that is frozen through and through. */
export function frozenCopy<T>(value: T): T {
  return copyOf(value, true, 0) as T;
}

/** A deep, mutable copy of `value`: what a caller gets to keep. */
export function plainCopy<T>(value: T): T {
  return copyOf(value, false, 0) as T;
}

/** Freezes `value` and everything it holds (for values built by the backend itself, e.g. a new history array). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

function copyOf(value: unknown, freeze: boolean, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value;
  }
  let copy: unknown[] | Record<string, unknown>;
  if (Array.isArray(value) && depth < MAX_WALK_DEPTH) {
    copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyOf(value[i], freeze, depth + 1);
  } else if (isPlainObject(value) && depth < MAX_WALK_DEPTH) {
    // A spread copies the primitive fields fastest (V8 clones the object's shape); the nested values are then copied.
    const shallow: Record<string, unknown> = { ...value };
    for (const key in shallow) {
      const field = shallow[key];
      if (typeof field === 'object' ? field !== null : typeof field === 'function' || typeof field === 'symbol') shallow[key] = copyOf(field, freeze, depth + 1);
    }
    copy = shallow;
  } else {
    const cloned = structuredClone(value);
    return freeze ? deepFreeze(cloned) : cloned;
  }
  return freeze ? Object.freeze(copy) : copy;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
