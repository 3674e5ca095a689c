// Where the host's fixture apps live, and a way to run one from a scratch copy (for tests that write into the app folder).
import { existsSync } from 'node:fs';
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

/**
 * A runnable copy of a TypeScript fixture app: its host.json, local.settings.json and package.json with the
 * JavaScript `npm run build` compiled from its src/ (into dist/test/fixtures/apps/<name>/src).
 */
export async function compiledFixtureApp(name: string): Promise<string> {
  const compiled = path.join(REPO_ROOT, 'dist', 'test', 'fixtures', 'apps', name, 'src');
  if (!existsSync(compiled)) throw new Error(`${compiled} does not exist: run \`npm run build\` first (\`npm test\` builds before jest).`);
  const dir = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  for (const file of ['host.json', 'local.settings.json', 'package.json']) {
    if (existsSync(path.join(fixtureApp(name), file))) await cp(path.join(fixtureApp(name), file), path.join(dir, file));
  }
  await cp(compiled, path.join(dir, 'src'), { recursive: true });
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}
