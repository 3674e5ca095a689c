// The real Node runtime objects, even when our own code runs inside a jest sandbox.
// jest gives test modules a copied `process.env`, its own `require` and a subclass of `Module` whose
// `createRequire` returns jest's loader. The app must run on Node's own loader (specs/functions-host.md §3),
// so everything that touches the app goes through these.

import Module from 'node:module';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

interface NativeModuleClass {
  prototype: { require: (id: string) => unknown };
  createRequire(filename: string): NodeJS.Require;
  _cache: Record<string, unknown>;
}

/** Node's own `Module` class (jest hands out a subclass that routes `createRequire` to jest's registry). */
export const nativeModule: NativeModuleClass = findNativeModule();

function findNativeModule(): NativeModuleClass {
  let candidate = Module as unknown as NativeModuleClass;
  while (!Object.prototype.hasOwnProperty.call(candidate.prototype, 'require')) {
    candidate = Object.getPrototypeOf(candidate) as NativeModuleClass;
  }
  return candidate;
}

/** The global object the app's modules see. Under jest it is not the test's `globalThis`: share test state through this. */
export const appGlobal = vm.runInThisContext('globalThis') as typeof globalThis;

/** True when this code runs in a vm context other than Node's main one (jest). */
export const isSandboxed = appGlobal !== globalThis;

/** The environment the app sees: the real `process.env`, not a sandbox copy. */
export const nativeEnv: NodeJS.ProcessEnv = appGlobal.process.env;

/** `import()` through Node's default ESM loader. In a jest sandbox plain `import()` is not available. */
export function nativeImport(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  if (!isSandboxed) return import(url);
  const constants = (vm as unknown as { constants?: { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } }).constants;
  const loader = constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (!loader) {
    return Promise.reject(new Error(`Loading ES modules inside a test sandbox needs Node 20.12 or later (this is ${process.version}).`));
  }
  const importer = vm.runInThisContext('(url) => import(url)', { importModuleDynamically: loader } as vm.RunningScriptOptions) as (
    url: string,
  ) => Promise<unknown>;
  return importer(url);
}

/** Loads `id` as the app's own code would (Node's loader from the app folder), e.g. the app's copy of a library. */
export function requireFromApp(appDir: string, id: string): unknown {
  return nativeModule.createRequire(`${appDir.replace(/[\\/]+$/, '')}/package.json`)(id);
}
