// What app loads wrote into the process environment — local.settings.json Values and connection strings, and the
// variables func sets for every app (specs/functions-host.md §5 step 1) — so that it can be put back when the app is
// done with: in-process, createTestEnvironment's close() does, or one jest file's settings would stay in the worker
// process for the next file it runs.

import { processWide } from './process-wide-state';

/**
 * Runs `write` against a view of `env` that records every variable it sets, and returns the undo. Loads open at the
 * same time may set the same variable: the last of them to be undone puts back what it was before the first, unless
 * something other than a load set it meanwhile (then it is that code's, and stays).
 */
export function recordEnvironmentWrites(env: NodeJS.ProcessEnv, write: (env: NodeJS.ProcessEnv) => void): () => void {
  const { environmentWrites: held, settingsSetByHost } = processWide;
  const before = { ...env };
  const hostSetBefore = new Map(settingsSetByHost);
  const keys = new Set<string>();
  write(
    new Proxy(env, {
      set(target, key, value) {
        if (typeof key === 'string') keys.add(key);
        return Reflect.set(target, key, value);
      },
    }),
  );
  for (const key of keys) {
    const entry = held.get(key);
    if (entry) entry.holders += 1;
    else held.set(key, { original: before[key], hostSetOriginal: hostSetBefore.get(key), holders: 1, value: undefined });
    held.get(key)!.value = env[key];
  }

  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    for (const key of keys) {
      const entry = held.get(key);
      if (!entry || --entry.holders > 0) continue;
      held.delete(key);
      if (env[key] === entry.value) {
        if (entry.original === undefined) delete env[key];
        else env[key] = entry.original;
      }
      if (entry.hostSetOriginal === undefined) settingsSetByHost.delete(key);
      else settingsSetByHost.set(key, entry.hostSetOriginal);
    }
  };
}
