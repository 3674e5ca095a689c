// Where the host's fixture apps live, and a way to run one from a scratch copy (for tests that write into the app
// folder, and for TypeScript apps, which are compiled there as their own `npm run build` would).
import { execFile } from 'node:child_process';
import { cp, mkdtemp, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cli-process';

export function fixtureApp(name: string): string {
  return path.join(REPO_ROOT, 'test', 'fixtures', 'apps', name);
}

/** A temporary copy of a fixture app that still resolves @azure/functions from the repo. */
export async function scratchCopy(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  await cp(fixtureApp(name), dir, { recursive: true });
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** A scratch copy of a TypeScript fixture app, compiled with its own tsconfig.json into its `dist/`. */
export async function compiledScratchCopy(name: string): Promise<string> {
  const dir = await scratchCopy(name);
  await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir]);
  return dir;
}
