/**
 * Runs the sample app (`functions/`, built into `dist/`) with `durable-runtime start` as a child process on a free
 * port and talks to it only over HTTP, as a user with test.http would. The backend is a parameter: the same suites
 * run against every backend listed in E2E_BACKENDS (comma-separated, default "memory,AzureStorage,azureManaged").
 * AzureStorage runs on an Azurite of its own (free ports, in-memory) and a fresh task hub; azureManaged on a
 * `durable-runtime emulator` of its own; both given to the app as the environment variables that win over its
 * local.settings.json, as they do with func.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { freePort } from '../../support/cli-process';
import { schedulerConnectionString, startEmulator, type EmulatorProcess } from '../../support/emulator-process';
import { waitFor } from '../../support/wait-for';

export const BACKENDS = (process.env.E2E_BACKENDS ?? 'memory,AzureStorage,azureManaged')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);

const REPO_ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO_ROOT, 'dist/src/cli/main.js');
/** Bound on every wait; generous because a cold child process on a busy 2-core machine is slow to start. */
const WAIT_MS = 30_000;
const POLL_MS = 50;

export interface HttpResult {
    status: number;
    headers: Headers;
    /** Parsed JSON when the body is JSON, else the text (or undefined when empty). */
    body: any;
}

/** The status payload of the Durable Functions HTTP API (specs/durable-functions-protocol.md §7). */
export interface InstanceStatus {
    name: string;
    instanceId: string;
    runtimeStatus: string;
    input: unknown;
    output: any;
    customStatus: any;
    lastUpdatedTime: string;
    historyEvents?: { EventType: string; FunctionName?: string }[];
}

/** The body of a check-status response (createCheckStatusResponse). */
export interface CheckStatusPayload {
    id: string;
    statusQueryGetUri: string;
    sendEventPostUri: string;
    terminatePostUri: string;
    rewindPostUri: string;
    purgeHistoryDeleteUri: string;
    suspendPostUri: string;
    resumePostUri: string;
}

const FINAL_STATES = ['Completed', 'Failed', 'Terminated', 'Canceled'];

export interface SampleAppOptions {
    /** AzureStorage: use this Azurite and task hub (several apps on one hub) instead of an Azurite of its own. */
    storage?: { azurite: TestAzurite; hubName: string };
    /** azureManaged: use this emulator and task hub (several apps on one hub) instead of an emulator of its own. */
    scheduler?: { emulator: EmulatorProcess; hubName: string };
    /** More environment variables for the app, e.g. AzureFunctionsJobHost__... overrides of host.json. */
    env?: Record<string, string>;
    /** Bound on every wait of this app; default 30 s. */
    waitMs?: number;
}

export class SampleApp {
    private constructor(
        readonly backend: string,
        readonly baseUrl: string,
        /** SAMPLES_DATA_DIR of this run: the pipeline's database files live here. */
        readonly dataDir: string,
        private readonly child: ChildProcess,
        private readonly output: string[],
        /** An Azurite this app started for itself and stops with it. */
        private readonly ownAzurite?: TestAzurite,
        private readonly waitMs = WAIT_MS,
        /** An emulator this app started for itself and stops with it. */
        private readonly ownEmulator?: EmulatorProcess,
    ) {}

    static async start(backend: string, options: SampleAppOptions = {}): Promise<SampleApp> {
        if (!existsSync(CLI) || !existsSync(path.join(REPO_ROOT, 'dist/functions'))) {
            throw new Error(`${CLI} or dist/functions is missing: run \`npm run build\` first (\`npm test\` does).`);
        }
        const port = await freePort();
        const dataDir = await mkdtemp(path.join(os.tmpdir(), `samples-e2e-${backend}-`));
        const azureStorage = backend.toLowerCase() === 'azurestorage';
        const ownAzurite = azureStorage && !options.storage ? await startTestAzurite() : undefined;
        const azurite = options.storage?.azurite ?? ownAzurite;
        const azureManaged = backend.toLowerCase() === 'azuremanaged';
        const ownEmulator = azureManaged && !options.scheduler ? await startEmulator() : undefined;
        const emulator = options.scheduler?.emulator ?? ownEmulator;
        const storage = azurite
            ? { AzureWebJobsStorage: azurite.connectionString, TASKHUB_NAME: options.storage?.hubName ?? uniqueHubName('samples') }
            : emulator
              ? { DURABLE_TASK_SCHEDULER_CONNECTION_STRING: schedulerConnectionString(emulator), TASKHUB_NAME: options.scheduler?.hubName ?? uniqueHubName('samples') }
              : {};
        const child = spawn(process.execPath, [CLI, 'start', '--port', String(port), '--cwd', REPO_ROOT, '--backend', backend], {
            cwd: REPO_ROOT,
            env: { ...process.env, SAMPLES_DATA_DIR: dataDir, ...storage, ...options.env },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        const output: string[] = [];
        child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        const app = new SampleApp(backend, `http://localhost:${port}`, dataDir, child, output, ownAzurite, options.waitMs, ownEmulator);
        try {
            await app.waitUntil('the host reports Running', async () => {
                if (child.exitCode !== null) throw new Error(`durable-runtime start exited with code ${child.exitCode}`);
                const status = await app.get('/admin/host/status').catch(() => undefined);
                return status?.status === 200 && status.body?.state === 'Running' ? true : undefined;
            });
        } catch (err) {
            await app.stop();
            throw err;
        }
        return app;
    }

    async stop(): Promise<void> {
        if (this.child.exitCode === null && this.child.signalCode === null) {
            const exited = new Promise((resolve) => this.child.once('exit', resolve));
            this.child.kill('SIGTERM');
            const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(timer);
        }
        await this.ownAzurite?.stop();
        await this.ownEmulator?.stop();
        await rm(this.dataDir, { recursive: true, force: true });
    }

    /** Kills the process at once, as a crash would: no drain, no lease hand-over. */
    async kill(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) return;
        const exited = new Promise((resolve) => this.child.once('exit', resolve));
        this.child.kill('SIGKILL');
        await exited;
    }

    /** Everything the app printed so far. */
    printed(): string {
        return this.output.join('');
    }

    /** The last lines the app printed: attached to every wait that times out. */
    logs(): string {
        return this.printed().split('\n').slice(-80).join('\n');
    }

    /** `pathOrUrl` is either an absolute URL (e.g. a status URL the app returned) or a path on the app. */
    async request(method: string, pathOrUrl: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
        const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
        const init: RequestInit = { method, headers: { ...headers } };
        if (body !== undefined) {
            init.body = typeof body === 'string' ? body : JSON.stringify(body);
            (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
        }
        const response = await fetch(url, init);
        const text = await response.text();
        let parsed: unknown = text === '' ? undefined : text;
        try {
            parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
            // Not JSON: keep the text.
        }
        return { status: response.status, headers: response.headers, body: parsed };
    }

    get(pathOrUrl: string): Promise<HttpResult> {
        return this.request('GET', pathOrUrl);
    }

    post(pathOrUrl: string, body?: unknown): Promise<HttpResult> {
        return this.request('POST', pathOrUrl, body);
    }

    /** POSTs to a starter and checks the check-status contract: 202, Location = statusQueryGetUri. */
    async start(pathOrUrl: string, body?: unknown): Promise<CheckStatusPayload> {
        const response = await this.post(pathOrUrl, body);
        if (response.status !== 202) {
            throw new Error(`POST ${pathOrUrl} answered ${response.status} ${JSON.stringify(response.body)}, expected 202.\n${this.logs()}`);
        }
        const payload = response.body as CheckStatusPayload;
        if (response.headers.get('location') !== payload.statusQueryGetUri) {
            throw new Error(`Location ${response.headers.get('location')} differs from statusQueryGetUri ${payload.statusQueryGetUri}`);
        }
        return payload;
    }

    /** The status URL of any instance, e.g. a sub-orchestration whose id the test knows. */
    statusUrl(instanceId: string, query = ''): string {
        return `${this.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}${query}`;
    }

    async status(statusUrl: string): Promise<InstanceStatus> {
        const response = await this.get(statusUrl);
        if (![200, 202, 500].includes(response.status)) {
            throw new Error(`GET ${statusUrl} answered ${response.status} ${JSON.stringify(response.body)}`);
        }
        return response.body as InstanceStatus;
    }

    /** Polls a status URL until `accept` holds. */
    async waitForStatus(statusUrl: string, what: string, accept: (status: InstanceStatus) => boolean): Promise<InstanceStatus> {
        let last: InstanceStatus | undefined;
        return this.waitUntil(what, async () => {
            last = await this.status(statusUrl);
            return accept(last) ? last : undefined;
        }, () => `last status: ${JSON.stringify(last)}`);
    }

    /** Polls until the instance reaches a final state (Completed, Failed, Terminated, Canceled). */
    waitForCompletion(statusUrl: string): Promise<InstanceStatus> {
        return this.waitForStatus(statusUrl, 'the instance to finish', (s) => FINAL_STATES.includes(s.runtimeStatus));
    }

    /** Repeats `probe` until it yields a value; fails after WAIT_MS with what was awaited, `detail` and the app's logs. */
    waitUntil<T>(what: string, probe: () => Promise<T | undefined>, detail: () => string = () => ''): Promise<T> {
        return waitFor(what, probe, this.waitMs, POLL_MS, () => `${detail()}\n--- app output (${this.backend}) ---\n${this.logs()}`);
    }
}

/** One app per backend for the calling test file: started before its tests, stopped after them. */
export function useSampleApp(backend: string): () => SampleApp {
    let app: SampleApp | undefined;
    beforeAll(async () => {
        app = await SampleApp.start(backend);
    });
    afterAll(async () => {
        await app?.stop();
    });
    return () => {
        if (!app) throw new Error('The sample app did not start; see the beforeAll error.');
        return app;
    };
}
