// processWide is shared by every copy of durable-runtime in one process through the app's global. A copy from
// another build (a benchmark's BASELINE_DIST, two versions of the package) may have made it with fewer fields.

import { appGlobal } from '../../../src/functions-host/native-runtime';

const KEY = Symbol.for('durable-runtime.functions-host.process-wide-state');
const holder = appGlobal as unknown as Record<symbol, unknown>;

function loadProcessWideWith(existing: Record<string, unknown>): Record<string, unknown> {
  const original = holder[KEY];
  holder[KEY] = existing;
  try {
    let loaded: Record<string, unknown> = {};
    jest.isolateModules(() => {
      loaded = require('../../../src/functions-host/process-wide-state').processWide;
    });
    return loaded;
  } finally {
    holder[KEY] = original;
  }
}

test('an older build\'s shared state gets the fields this build needs, and keeps its own', () => {
  const modulesOfEarlierLoads = new Set(['/app/index.js']);
  const older = { coreModuleInstalled: true, modulesOfEarlierLoads, importedEsmFiles: new Set(), settingsSetByHost: new Map(), loading: Promise.resolve() };

  const state = loadProcessWideWith(older);

  expect(state).toBe(older);
  expect(state.openEnvironmentWrites).toEqual([]);
  expect(state.modulesOfEarlierLoads).toBe(modulesOfEarlierLoads);
  expect(state.coreModuleInstalled).toBe(true);
});
