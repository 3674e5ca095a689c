// Where the host's fixture apps live, and a way to run one from a scratch copy (for tests that write into the app folder).
import { cp, mkdtemp, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
