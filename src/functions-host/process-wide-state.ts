// State that must exist once per process. jest gives every test file its own copy of these modules, but the require
// cache, the ESM cache, the environment and Module.prototype.require are the process's; their bookkeeping lives on
// the app's (main-realm) global so every copy shares it.

import { appGlobal } from './native-runtime';

export interface ProcessWideState {
  /** What `require('@azure/functions-core')` answers: the CoreApi of the load in progress (or the last one). */
  coreApi?: object;
  coreModuleInstalled: boolean;
  /** require.cache keys that earlier loads evaluated; evicted before the next load. */
  readonly modulesOfEarlierLoads: Set<string>;
  /** ES module entry files already imported (Node cannot evict them). */
  readonly importedEsmFiles: Set<string>;
  /** Environment variables earlier loads set from local.settings.json (see applyLocalSettings). */
  readonly settingsSetByHost: Map<string, string>;
  /** What each load not yet undone wrote into the environment, oldest first (see recordEnvironmentWrites). */
  readonly openEnvironmentWrites: EnvironmentWrites[];
  /** The tail of the chain that serializes loads. */
  loading: Promise<unknown>;
}

/** Variable → its value before the load (and in settingsSetByHost), and the value the load wrote. */
export type EnvironmentWrites = Map<string, { previous?: string; hostPrevious?: string; value?: string }>;

const KEY = Symbol.for('durable-runtime.functions-host.process-wide-state');
const holder = appGlobal as unknown as Record<symbol, ProcessWideState | undefined>;

const shared = (holder[KEY] ??= {} as ProcessWideState) as unknown as Record<string, unknown>;
// Another durable-runtime build loaded into this process (a benchmark's baseline, two versions of the package) may
// have made the object with fewer fields: add what this build needs, keep what is there.
for (const [field, initial] of Object.entries(initialState())) if (shared[field] === undefined) shared[field] = initial;

export const processWide = shared as unknown as ProcessWideState;

function initialState(): ProcessWideState {
  return {
    coreModuleInstalled: false,
    modulesOfEarlierLoads: new Set(),
    importedEsmFiles: new Set(),
    settingsSetByHost: new Map(),
    openEnvironmentWrites: [],
    loading: Promise.resolve(),
  };
}
