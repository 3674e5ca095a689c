// The sample app's BackupSiteContent under createTestEnvironment (memory backend, no storage): its blob outputs are
// recorded with the path the binding expression resolves to, not written and not dropped.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestEnvironment, type TestEnvironment } from '../../../src';

const REPO_ROOT = path.resolve(__dirname, '../../..'); // package.json main: dist/functions/*.js (npm test builds first)

let env: TestEnvironment;
let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'recorded-outputs-'));
  env = await createTestEnvironment({ appDir: REPO_ROOT });
});
afterAll(async () => {
  await env?.close();
  await rm(folder, { recursive: true, force: true });
});

it('records each backed-up file as a blob output at backups/{backupPath}', async () => {
  await mkdir(path.join(folder, 'css'), { recursive: true });
  await writeFile(path.join(folder, 'index.html'), '<h1>home</h1>');
  await writeFile(path.join(folder, 'css', 'site.css'), 'body{}');
  const id = await env.client.startNew('BackupSiteContent', { input: { directory: folder } });
  const status = await env.client.waitForCompletion(id);
  expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { fileCount: 2, totalBytes: 19 } });
  const blobs = env.outputs.filter((output) => output.type === 'blob');
  expect(blobs.map(({ functionName, target, value }) => ({ functionName, target, content: String(value) })).sort((a, b) => a.target.localeCompare(b.target))).toEqual([
    { functionName: 'CopyFileToBlob', target: 'backups/css/site.css', content: 'body{}' },
    { functionName: 'CopyFileToBlob', target: 'backups/index.html', content: '<h1>home</h1>' },
  ]);
  expect(Buffer.isBuffer(blobs[0].value)).toBe(true);
});
