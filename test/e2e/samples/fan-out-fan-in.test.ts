import { ContainerClient } from '@azure/storage-blob';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { BACKENDS, SampleApp } from './sample-app';

describe.each(BACKENDS)('fan-out/fan-in samples (%s backend)', (backend) => {
    // BackupSiteContent writes blobs through its `StorageConnString` output binding: an Azurite of this file's
    // own serves it (and the task hub, on the AzureStorage backend).
    let azurite: TestAzurite;
    let sampleApp: SampleApp | undefined;
    const app = () => sampleApp!;
    let folder: string;
    beforeAll(async () => {
        folder = await mkdtemp(path.join(os.tmpdir(), 'directory-size-'));
        azurite = await startTestAzurite();
        const storage = backend.toLowerCase() === 'azurestorage' ? { azurite, hubName: uniqueHubName('fanout') } : undefined;
        sampleApp = await SampleApp.start(backend, { storage, env: { StorageConnString: azurite.connectionString } });
    });
    afterAll(async () => {
        await sampleApp?.stop();
        await azurite?.stop();
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

    it('BackupSiteContent copies every file to backups/<relative path> through the blob output binding', async () => {
        const files = { 'index.html': '<h1>home</h1>', 'css/site.css': 'body { margin: 0 }', 'img/empty.png': '' };
        const site = path.join(folder, `site-${backend}`);
        for (const [name, content] of Object.entries(files)) {
            await mkdir(path.dirname(path.join(site, name)), { recursive: true });
            await writeFile(path.join(site, name), content);
        }
        const started = await app().start('/api/StartBackupSiteContent', { directory: site });
        const status = await app().waitForCompletion(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toEqual({
            directory: site,
            fileCount: 3,
            totalBytes: Object.values(files).reduce((total, content) => total + Buffer.byteLength(content), 0),
        });
        const container = new ContainerClient(azurite.connectionString, 'backups');
        for (const [name, content] of Object.entries(files)) {
            expect((await container.getBlobClient(name).downloadToBuffer()).toString()).toBe(content);
        }
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
