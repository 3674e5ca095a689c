// A durable app written the way Functions users write one — TypeScript, compiled, `app.setup({ enableHttpStream: true })`
// — run by `durable-runtime start` and driven over HTTP only, where the real host and Durable extension behave in ways
// an app can tell apart (issue 12, items 1–4). Items whose behaviour depends on storage run on memory and Azurite.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azurite';
import { startCli, type CliProcess } from '../../support/cli-process';
import { compiledScratchCopy } from '../../support/fixture-apps';
import { waitFor } from '../../support/wait-for';
import { call, type Answer } from '../http-api/e2e-app';

const WEBHOOK = '/runtime/webhooks/durabletask';
/** The durable-functions client's message for an answer it did not expect (specs/durable-functions-protocol.md §6.2). */
const UNEXPECTED_500 = 'The operation failed with an unexpected status code: 500. Details: {"Message":"Something went wrong while processing your request"';

interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  output: unknown;
}

let appDir: string;
let dataDir: string;
beforeAll(async () => {
  [appDir, dataDir] = await Promise.all([compiledScratchCopy('typescript-durable'), mkdtemp(path.join(os.tmpdir(), 'typescript-durable-data-'))]);
}, 60_000);
afterAll(async () => {
  await Promise.all([appDir, dataDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** One `durable-runtime start` of the compiled app on a backend, and what a test does with it over HTTP. */
class RunningApp {
  constructor(readonly cli: CliProcess) {}

  url(p: string): string {
    return `${this.cli.baseUrl}${p}`;
  }

  fetch(p: string, init?: RequestInit): Promise<Answer> {
    return call(this.url(p), init);
  }

  /** Starts an orchestration through the app's starter, which reads the name and input from request.params. */
  async start(orchestrationName: string, input?: unknown): Promise<string> {
    const query = new URLSearchParams({ orchestrationName, ...(input === undefined ? {} : { input: JSON.stringify(input) }) });
    const answer = await this.fetch(`/api/StartOrchestration?${query}`, { method: 'POST' });
    expect(answer.status).toBe(202);
    return (answer.body as { id: string }).id;
  }

  /** Calls one of the app's durable-client functions; answers the library's result, or its error message. */
  async client(operation: string, instanceId: string): Promise<{ result?: unknown; error?: string }> {
    const answer = await this.fetch(`/api/${operation}?instanceId=${encodeURIComponent(instanceId)}`, { method: 'POST' });
    return answer.body as { result?: unknown; error?: string };
  }

  async status(instanceId: string): Promise<StatusPayload> {
    return (await this.fetch(`${WEBHOOK}/instances/${encodeURIComponent(instanceId)}`)).body as StatusPayload;
  }

  untilStatus(instanceId: string, runtimeStatus: string): Promise<StatusPayload> {
    return waitFor(`${instanceId} to be ${runtimeStatus}`, async () => {
      const status = await this.status(instanceId);
      return status?.runtimeStatus === runtimeStatus ? status : undefined;
    }, 60_000, 50, () => this.cli.output());
  }

  /** Waits until no orchestration of the hub is Pending or Running (every child of a failed tree has ended). */
  untilSettled(): Promise<true> {
    return waitFor('every orchestration to end', async () => {
      const active = (await this.fetch(`${WEBHOOK}/instances?runtimeStatus=Pending,Running`)).body as StatusPayload[];
      return active.filter((s) => s.name !== 'LongRunningOrchestrator').length === 0 ? true : undefined;
    }, 60_000, 50, () => this.cli.output());
  }
}

async function startApp(backend: 'memory' | 'AzureStorage', azurite?: TestAzurite): Promise<RunningApp> {
  const storage = azurite
    ? {
        AzureWebJobsStorage: azurite.connectionString,
        TASKHUB_NAME: uniqueHubName('tsapp'),
        // An idle worker would otherwise poll its queues only every 30 s.
        AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval: '00:00:00.500',
      }
    : {};
  const cli = await startCli({ args: ['start', '--cwd', appDir, '--backend', backend], env: { FIXTURE_DATA_DIR: dataDir, ...storage }, readyTimeoutMs: 60_000 });
  return new RunningApp(cli);
}

/** How often each line was written to a run's call log (activities, entity operations, flaky steps). */
function callCounts(run: string): Record<string, number> {
  const file = path.join(dataDir, `${run}.log`);
  const counts: Record<string, number> = {};
  for (const line of existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

/** The calls of a RewindParent tree in which each flaky step ran `flakyRuns` times and everything else once. */
function treeCalls(flakyRuns: number): Record<string, number> {
  return {
    'activity parent': 1,
    'activity child0': 1,
    'activity child1': 1,
    'activity child2': 1,
    'activity child2.grandchild': 1,
    'entity add child0': 1,
    'entity add child1': 1,
    'entity add child2': 1,
    'entity add child2.grandchild': 1,
    'flaky child1': flakyRuns,
    'flaky child2.grandchild': flakyRuns,
  };
}

function backendDependentTests(app: () => RunningApp): void {
  it('purges an entity with the durable client: 1 deleted, then gone, then 0', async () => {
    const signal = await app().fetch(`${WEBHOOK}/entities/DummyEntity/myEntity?op=add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run: 'purge', name: 'myEntity' }),
    });
    expect(signal.status).toBe(202);
    await waitFor('the entity to exist', async () => ((await app().fetch(`${WEBHOOK}/entities/DummyEntity/myEntity`)).status === 200 ? true : undefined));

    expect(await app().client('PurgeInstance', '@dummyentity@myEntity')).toEqual({ result: { instancesDeleted: 1 } });
    expect((await app().fetch(`${WEBHOOK}/entities/DummyEntity/myEntity`)).status).toBe(404);
    expect(await app().client('PurgeInstance', '@dummyentity@myEntity')).toEqual({ result: { instancesDeleted: 0 } });
  });

  it('purges an entity through the webhook route: 200 with 1 deleted, then 404', async () => {
    await app().fetch(`${WEBHOOK}/entities/DummyEntity/viaWebhook?op=add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run: 'purge', name: 'viaWebhook' }),
    });
    await waitFor('the entity to exist', async () => ((await app().fetch(`${WEBHOOK}/entities/DummyEntity/viaWebhook`)).status === 200 ? true : undefined));

    const purged = await app().fetch(`${WEBHOOK}/instances/@dummyentity@viaWebhook`, { method: 'DELETE' });
    expect(purged).toMatchObject({ status: 200, body: { instancesDeleted: 1 } });
    expect((await app().fetch(`${WEBHOOK}/entities/DummyEntity/viaWebhook`)).status).toBe(404);
    expect((await app().fetch(`${WEBHOOK}/instances/@dummyentity@viaWebhook`, { method: 'DELETE' })).status).toBe(404);
  });

  it('rewinds a failed tree: failed children recursively, each failed activity once more, nothing that succeeded', async () => {
    const run = `tree-${app().cli.port}`;
    await writeFile(path.join(dataDir, `${run}.fail`), '');
    const id = await app().start('RewindParent', run);
    await app().untilStatus(id, 'Failed');
    await app().untilSettled();
    expect(callCounts(run)).toEqual(treeCalls(1));
    // The answers kept for the rewind are not part of the history the extension shows.
    const failed = (await app().fetch(`${WEBHOOK}/instances/${id}?showHistory=true`)).body as { historyEvents: { EventType: string }[] };
    expect(failed.historyEvents.at(-1)?.EventType).toBe('ExecutionCompleted');

    await rm(path.join(dataDir, `${run}.fail`));
    expect(await app().client('RewindInstance', id)).toEqual({ result: null });
    const done = await app().untilStatus(id, 'Completed');
    expect(done.output).toEqual(['child0 done', 'child1 done', 'child2 done']);
    expect(callCounts(run)).toEqual(treeCalls(2));
    expect((await app().fetch(`${WEBHOOK}/entities/DummyEntity/${run}`)).body).toBe(4);
  }, 150_000);

  it('rewinds a tree that failed again after its first rewind', async () => {
    const run = `twice-${app().cli.port}`;
    await writeFile(path.join(dataDir, `${run}.fail`), '');
    const id = await app().start('RewindParent', run);
    await app().untilStatus(id, 'Failed');
    await app().untilSettled();

    expect(await app().client('RewindInstance', id)).toEqual({ result: null });
    await waitFor('both flaky steps to run again', () => (callCounts(run)['flaky child1'] === 2 && callCounts(run)['flaky child2.grandchild'] === 2 ? true : undefined));
    await app().untilSettled();
    expect((await app().status(id)).runtimeStatus).toBe('Failed');
    expect(callCounts(run)).toEqual(treeCalls(2));

    await rm(path.join(dataDir, `${run}.fail`));
    expect(await app().client('RewindInstance', id)).toEqual({ result: null });
    expect((await app().untilStatus(id, 'Completed')).output).toEqual(['child0 done', 'child1 done', 'child2 done']);
    expect(callCounts(run)).toEqual(treeCalls(3));
  }, 150_000);
}

describe('on the memory backend', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp('memory');
  }, 90_000);
  afterAll(() => running?.cli.stop());
  const app = () => running;

  it('a streaming starter reads the orchestration name from the query string, through request.params', async () => {
    const answer = await app().fetch('/api/StartOrchestration?orchestrationName=HelloCities', { method: 'POST' });
    expect(answer.status).toBe(202);
    const done = await app().untilStatus((answer.body as { id: string }).id, 'Completed');
    expect(done.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('streaming request.params holds the query, the JSON body\'s top-level values and the route, the route winning', async () => {
    const body = { name: 'fromBody', fromBody: 'b', count: 5, flag: true, nested: { a: 1 }, list: [1], nothing: null, shared: 'body' };
    const answer = await app().fetch('/api/params/fromRoute?name=fromQuery&shared=query&extra=x&code=secret', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer).toMatchObject({ status: 200, body: { name: 'fromRoute', shared: 'query', extra: 'x', fromBody: 'b', count: '5', flag: 'True' } });
    expect(Object.keys(answer.body as object).sort()).toEqual(['count', 'extra', 'flag', 'fromBody', 'name', 'shared']);
  });

  it('suspending a suspended instance and resuming a running one fail as on the extension, and say why', async () => {
    const id = await app().start('LongRunningOrchestrator');
    await app().untilStatus(id, 'Running');
    expect(await app().client('SuspendInstance', id)).toEqual({ result: null });
    await app().untilStatus(id, 'Suspended');

    const suspendAgain = await app().client('SuspendInstance', id);
    expect(suspendAgain.error).toMatch(new RegExp(`^${escape(UNEXPECTED_500)}`));
    expect(suspendAgain.error).toContain('Cannot suspend orchestration instance in the Suspended state.');
    await app().cli.waitForOutput(new RegExp(`${id}.*Cannot suspend orchestration instance in the Suspended state\\.`));
    const webhook = await app().fetch(`${WEBHOOK}/instances/${id}/suspend`, { method: 'POST' });
    expect(webhook).toMatchObject({ status: 500, body: { Message: 'Something went wrong while processing your request' } });
    expect(JSON.stringify(webhook.body)).toContain('Cannot suspend orchestration instance in the Suspended state.');

    expect(await app().client('ResumeInstance', id)).toEqual({ result: null });
    await app().untilStatus(id, 'Running');
    const resumeAgain = await app().client('ResumeInstance', id);
    expect(resumeAgain.error).toMatch(new RegExp(`^${escape(UNEXPECTED_500)}`));
    expect(resumeAgain.error).toContain('Cannot resume orchestration instance in the Running state.');
    await app().cli.waitForOutput(new RegExp(`${id}.*Cannot resume orchestration instance in the Running state\\.`));

    // A finished instance: both stay silent successes (the route answers 410, which the client accepts).
    expect(await app().client('TerminateInstance', id)).toEqual({ result: null });
    await app().untilStatus(id, 'Terminated');
    expect(await app().client('SuspendInstance', id)).toEqual({ result: null });
    expect(await app().client('ResumeInstance', id)).toEqual({ result: null });
  });

  it('rewinding an instance that did not fail answers 412 naming its status, on every route', async () => {
    const completed = await app().start('HelloCities');
    await app().untilStatus(completed, 'Completed');
    const terminated = await app().start('LongRunningOrchestrator');
    await app().untilStatus(terminated, 'Running');
    await app().client('TerminateInstance', terminated);
    await app().untilStatus(terminated, 'Terminated');

    for (const [id, status] of [[completed, 'Completed'], [terminated, 'Terminated']]) {
      const webhook = await app().fetch(`${WEBHOOK}/instances/${id}/rewind?reason=again`, { method: 'POST' });
      expect(webhook.status).toBe(412);
      expect(JSON.stringify(webhook.body)).toContain(status);
      expect((await app().client('RewindInstance', id)).error).toContain(status);
    }
  });

  backendDependentTests(app);
});

describe('on Azure Storage (Azurite)', () => {
  let azurite: TestAzurite;
  let running: RunningApp;
  beforeAll(async () => {
    azurite = await startTestAzurite();
    running = await startApp('AzureStorage', azurite);
  }, 90_000);
  afterAll(async () => {
    await running?.cli.stop();
    await azurite?.stop();
  });

  backendDependentTests(() => running);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
