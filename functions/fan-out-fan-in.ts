/**
 * Fan-out/fan-in: start many activities at once, wait for all of them with `context.df.Task.all`, then combine.
 *
 *   POST /api/StartFanOutFanIn     `FanOutFanIn` greets five cities in parallel → ["Hello Tokyo!", ..., "Hello Sydney!"]
 *   POST /api/StartDirectorySize   `DirectorySize` (backup-site-content style) lists the files under a folder, measures
 *                                  each file in its own activity, and returns { directory, fileCount, totalBytes }.
 *                                  Body {"directory": "<path>"} (relative paths start at the app root); without one it
 *                                  measures the folder holding these compiled samples.
 *   POST /api/StartBackupSiteContent  `BackupSiteContent`, as in the official Durable Functions sample: lists the files
 *                                  the same way and copies each one in its own activity to the blob
 *                                  `backups/<path relative to the folder>` through a blob output binding whose path,
 *                                  `backups/{backupPath}`, comes from the activity's JSON input. Same body; the
 *                                  storage account is the `StorageConnString` setting. Returns the same summary.
 */
import { HttpRequest, InvocationContext, output } from '@azure/functions';
import * as df from 'durable-functions';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { answeringInvalidInput, inputObject, readJsonBody, textInput } from './shared/sample-input';

const CITIES = ['Tokyo', 'Seattle', 'London', 'Cairo', 'Sydney'];

/** Each file becomes one activity; a bigger folder is almost certainly a mistake (e.g. node_modules). */
const MAX_FILES = 1000;

df.app.orchestration('FanOutFanIn', function* (context) {
    const tasks = CITIES.map((city) => context.df.callActivity('SayHello', city));
    // Results come back in the order of `tasks`, whatever order the activities finish in.
    return yield context.df.Task.all(tasks);
});

interface DirectoryListing {
    directory: string;
    files: string[];
}

df.app.activity('ListFiles', {
    handler: async (directory: string | undefined): Promise<DirectoryListing> => {
        const appRoot = process.env.AzureWebJobsScriptRoot ?? process.cwd();
        const root = directory === undefined ? __dirname : path.resolve(appRoot, directory);
        const stats = await stat(root).catch(() => undefined);
        if (!stats?.isDirectory()) {
            throw new Error(`'${root}' is not a folder. Send {"directory": "<path of an existing folder>"}.`);
        }
        const files: string[] = [];
        await collectFiles(root, files);
        return { directory: root, files };
    },
});

/** Regular files only; symbolic links are not followed, so a link cannot pull in a huge tree or loop. */
async function collectFiles(folder: string, files: string[]): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) await collectFiles(full, files);
        else if (entry.isFile()) files.push(full);
        if (files.length > MAX_FILES) {
            throw new Error(`'${folder}' holds more than ${MAX_FILES} files; pick a smaller folder (each file is measured by its own activity).`);
        }
    }
}

df.app.activity('GetFileSize', {
    handler: async (file: string): Promise<number> => (await lstat(file)).size,
});

df.app.orchestration('DirectorySize', function* (context) {
    const directory = directoryInput(context.df.getInput());
    const listing: DirectoryListing = yield context.df.callActivity('ListFiles', directory);
    const sizes: number[] = yield context.df.Task.all(
        listing.files.map((file) => context.df.callActivity('GetFileSize', file)),
    );
    return {
        directory: listing.directory,
        fileCount: sizes.length,
        totalBytes: sizes.reduce((total, size) => total + size, 0),
    };
});

interface BackupItem {
    /** The blob name under the `backups` container: the file's path relative to the folder, with forward slashes. */
    backupPath: string;
    filePath: string;
}

const backupBlob = output.storageBlob({
    path: 'backups/{backupPath}',
    connection: 'StorageConnString',
});

df.app.activity('CopyFileToBlob', {
    extraOutputs: [backupBlob],
    handler: async ({ backupPath, filePath }: BackupItem, context: InvocationContext): Promise<number> => {
        const content = await readFile(filePath);
        context.log(`Copying '${filePath}' to 'backups/${backupPath}'. Total bytes = ${content.length}.`);
        context.extraOutputs.set(backupBlob, content);
        return content.length;
    },
});

df.app.orchestration('BackupSiteContent', function* (context) {
    const directory = directoryInput(context.df.getInput());
    const listing: DirectoryListing = yield context.df.callActivity('ListFiles', directory);
    const sizes: number[] = yield context.df.Task.all(
        listing.files.map((filePath) => {
            const backupPath = path.relative(listing.directory, filePath).split(path.sep).join('/');
            return context.df.callActivity('CopyFileToBlob', { backupPath, filePath } satisfies BackupItem);
        }),
    );
    return {
        directory: listing.directory,
        fileCount: sizes.length,
        totalBytes: sizes.reduce((total, size) => total + size, 0),
    };
});

function directoryInput(input: unknown): string | undefined {
    const directory = inputObject(input, 'The DirectorySize input').directory;
    return directory === undefined ? undefined : textInput(directory, 'directory');
}

df.app.client.http('StartFanOutFanIn', {
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: async (request, client) => {
        const instanceId = await client.startNew('FanOutFanIn');
        return client.createCheckStatusResponse(request, instanceId);
    },
});

/** Both folder orchestrations take `{"directory": "<path>"}` from the body or `?directory=`. */
function startWithDirectory(orchestration: string) {
    return answeringInvalidInput(async (request: HttpRequest, client: df.DurableClient) => {
        const body = inputObject(await readJsonBody(request), 'The request body');
        const directory = directoryInput({ directory: body.directory ?? request.query.get('directory') ?? undefined });
        const instanceId = await client.startNew(orchestration, { input: { directory } });
        return client.createCheckStatusResponse(request, instanceId);
    });
}

df.app.client.http('StartDirectorySize', { methods: ['POST'], authLevel: 'anonymous', handler: startWithDirectory('DirectorySize') });

df.app.client.http('StartBackupSiteContent', { methods: ['POST'], authLevel: 'anonymous', handler: startWithDirectory('BackupSiteContent') });
