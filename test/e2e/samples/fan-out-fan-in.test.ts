import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKENDS, useSampleApp } from './sample-app';

describe.each(BACKENDS)('fan-out/fan-in samples (%s backend)', (backend) => {
    const app = useSampleApp(backend);
    let folder: string;
    beforeAll(async () => {
        folder = await mkdtemp(path.join(os.tmpdir(), 'directory-size-'));
    });
    afterAll(async () => {
        await rm(folder, { recursive: true, force: true });
    });

    it('FanOutFanIn greets five cities in parallel and returns the greetings in input order', async () => {
        const started = await app().start('/api/StartFanOutFanIn');
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status).toMatchObject({
            name: 'FanOutFanIn',
            runtimeStatus: 'Completed',
            output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!', 'Hello Cairo!', 'Hello Sydney!'],
        });
    });

    it('DirectorySize measures every file under the folder, nested ones included', async () => {
        const files = { 'a.txt': 'x'.repeat(10), 'b.bin': 'y'.repeat(1234), 'nested/deeper/c.json': '{"z":1}', 'nested/empty.txt': '' };
        for (const [name, content] of Object.entries(files)) {
            await mkdir(path.dirname(path.join(folder, name)), { recursive: true });
            await writeFile(path.join(folder, name), content);
        }
        const started = await app().start('/api/StartDirectorySize', { directory: folder });
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toEqual({
            directory: folder,
            fileCount: Object.keys(files).length,
            totalBytes: Object.values(files).reduce((total, content) => total + Buffer.byteLength(content), 0),
        });
    });

    it('DirectorySize on a missing folder fails with a message that names it', async () => {
        const missing = path.join(folder, 'does-not-exist');
        const started = await app().start(`/api/StartDirectorySize?directory=${encodeURIComponent(missing)}`);
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Failed');
        expect(JSON.stringify(status.output)).toContain(`'${missing}' is not a folder`);
    });

    it('StartDirectorySize answers malformed JSON with a 400 that says what to send', async () => {
        const response = await app().post('/api/StartDirectorySize', '{"directory":');
        expect(response.status).toBe(400);
        expect(response.body.error).toMatch(/not valid JSON/);
    });
});
