// The app's entry points: package.json `main` (a file or a glob), loaded the way the worker's startApp does
// (specs/functions-host.md §5 steps 2-3): CommonJS through require, ES modules through import(), in order.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { AppLoadError } from './errors';
import { nativeImport, nativeModule } from './native-runtime';
import { processWide } from './process-wide-state';

export interface AppPackage {
  readonly source: string;
  readonly main: string;
  readonly type?: string;
}

/** Reinstanced on every load so module-level state (the library's setup lock, the app's globals) never leaks between loads. */
const FRESH_PACKAGES = ['@azure/functions', 'durable-functions'];

export async function readAppPackage(appDir: string): Promise<AppPackage> {
  const source = path.join(appDir, 'package.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(source, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    throw new AppLoadError(`${source} ${reason}. A Functions app folder needs a package.json whose "main" names its entry files.`);
  }
  const main = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).main : undefined;
  if (typeof main !== 'string' || main.trim() === '') {
    throw new AppLoadError(`${source} has no "main". Set it to the files that register your functions, e.g. "dist/src/functions/*.js".`);
  }
  const type = (json as Record<string, unknown>).type;
  return { source, main, type: typeof type === 'string' ? type : undefined };
}

/** Expands `main` (a glob such as "dist/src/functions/*.js" or "src/{index,extra}.js") relative to the app folder. */
export async function resolveEntryPoints(appDir: string, pkg: AppPackage): Promise<string[]> {
  const pattern = pkg.main.replace(/\\/g, '/');
  const files = (await glob(pattern, { cwd: appDir, absolute: true, expandDirectories: false, onlyFiles: true })).sort();
  if (files.length === 0) {
    const reason = isDynamicPattern(pattern) ? 'Found zero files matching the supplied pattern' : 'File does not exist';
    throw new AppLoadError(
      `Worker was unable to load entry point "${pkg.main}": ${reason}. Check "main" in ${pkg.source}` +
        ' and build the app first if it points at compiled output (e.g. `npm run build`).',
    );
  }
  return files.map((file) => path.normalize(file));
}

export async function loadEntryPoint(appDir: string, file: string, pkg: AppPackage): Promise<void> {
  const extension = path.extname(file);
  const isEsm = extension === '.mjs' || (extension !== '.cjs' && pkg.type === 'module');
  try {
    if (isEsm) {
      // Node caches ES modules for the life of the process and offers no way to evict them.
      if (processWide.importedEsmFiles.has(file)) {
        throw new AppLoadError(
          'ES module apps can be loaded once per process, and this one was loaded before. ' +
            'Run it with `durable-runtime start`, or give in-process tests a CommonJS build of the app.',
        );
      }
      processWide.importedEsmFiles.add(file);
      await nativeImport(file);
    } else {
      nativeModule.createRequire(file)(file);
    }
  } catch (error) {
    if (error instanceof AppLoadError) throw error;
    const message = (error as Error)?.message ?? String(error);
    throw new AppLoadError(`Worker was unable to load entry point "${path.relative(appDir, file)}": ${message}`, { cause: error });
  }
}

/**
 * Evicts, from Node's require cache, what earlier loads evaluated and any cached copy of the Functions libraries the app
 * resolves; returns a function that records what this load evaluates. jest runs many test files per process.
 */
export function freshModuleScope(appDir: string): () => void {
  const cache = nativeModule._cache;
  const appRequire = nativeModule.createRequire(path.join(appDir, 'package.json'));
  const roots = FRESH_PACKAGES.flatMap((name) => {
    try {
      return [path.dirname(appRequire.resolve(`${name}/package.json`)) + path.sep];
    } catch {
      return [];
    }
  });
  for (const key of Object.keys(cache)) {
    if (processWide.modulesOfEarlierLoads.has(key) || roots.some((root) => key.startsWith(root))) delete cache[key];
  }
  processWide.modulesOfEarlierLoads.clear();
  const before = new Set(Object.keys(cache));
  return () => {
    for (const key of Object.keys(cache)) if (!before.has(key)) processWide.modulesOfEarlierLoads.add(key);
  };
}
