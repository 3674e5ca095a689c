// `npm start` and `npm test` build first; on an unchanged tree that build must not compile and rewrite dist/ again
// (it took ~7 s each time). How long either build takes is measured, not asserted: see docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../support/cli-process';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Every file the compiler writes under dist/, with its modification time (`prepare` adds an .npmignore of its own). */
async function distFiles(): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  const entries = await readdir(path.join(REPO_ROOT, 'dist'), { recursive: true, withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile() && /\.(js|js\.map|d\.ts|tsbuildinfo)$/.test(e.name))) {
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(REPO_ROOT, file), (await stat(file)).mtimeMs);
  }
  return files;
}

test('npm run build on an unchanged tree writes nothing', async () => {
  await run(npm, ['run', 'build'], { cwd: REPO_ROOT }); // brings dist/ up to date, whatever its state
  const before = await distFiles();
  await run(npm, ['run', 'build'], { cwd: REPO_ROOT });
  const after = await distFiles();
  const rewritten = [...after].filter(([file, mtime]) => before.get(file) !== mtime).map(([file]) => file);
  expect(rewritten).toEqual([]);
  expect(after.size).toBe(before.size);
}, 120_000);
