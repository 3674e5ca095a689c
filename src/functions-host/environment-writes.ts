// What app loads wrote into the process environment — local.settings.json Values and connection strings, and the
// variables func sets for every app (specs/functions-host.md §5 step 1) — so that it can be put back when the app is
// done with: in-process, createTestEnvironment's close() does, or one jest file's settings would stay in the worker
// process for the next file it runs.

import { processWide, type EnvironmentWrites } from './process-wide-state';

/**
 * Runs `write` against a view of `env` that records every variable it sets, and returns the undo: each variable goes
 * back to its value before the load, unless something else set it since (then it is that code's and stays). When a
 * later load that is still open wrote the same variable, the undo leaves it to that load, handing it the older value.
 */
export function recordEnvironmentWrites(env: NodeJS.ProcessEnv, write: (env: NodeJS.ProcessEnv) => void): () => void {
  const { openEnvironmentWrites: open, settingsSetByHost: hostSet } = processWide;
  const before = { ...env };
  const hostSetBefore = new Map(hostSet);
  const keys = new Set<string>();
  write(
    new Proxy(env, {
      set(target, key, value) {
        if (typeof key === 'string') keys.add(key);
        return Reflect.set(target, key, value);
      },
    }),
  );
  const writes: EnvironmentWrites = new Map(
    [...keys].map((key) => [key, { previous: before[key], hostPrevious: hostSetBefore.get(key), value: env[key] }]),
  );
  open.push(writes);

  return () => {
    const index = open.indexOf(writes);
    if (index < 0) return;
    open.splice(index, 1);
    for (const [key, write] of writes) {
      const later = open.slice(index).find((other) => other.has(key));
      if (later) {
        Object.assign(later.get(key)!, { previous: write.previous, hostPrevious: write.hostPrevious });
        continue;
      }
      if (env[key] === write.value) {
        if (write.previous === undefined) delete env[key];
        else env[key] = write.previous;
      }
      if (write.hostPrevious === undefined) hostSet.delete(key);
      else hostSet.set(key, write.hostPrevious);
    }
  };
}
