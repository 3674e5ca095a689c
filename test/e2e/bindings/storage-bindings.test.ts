// Storage bindings over a real `durable-runtime start` process and a real Azurite (one per file): a durable activity
// with a blob output whose path comes from its JSON input, HTTP → queue → queue trigger → table, blob and table
// inputs, poison messages, and bindings the host does not serve named at start-up (issue 17).

import { ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { rm } from 'node:fs/promises';
import { startTestAzurite, type TestAzurite } from '../../support/azurite';
import { freePort, runCli, startCli, type CliProcess } from '../../support/cli-process';
import { compiledScratchCopy } from '../../support/fixture-apps';
import { waitFor } from '../../support/wait-for';

let azurite: TestAzurite;
let appDir: string;
let cli: CliProcess;

const env = () => ({ AzureWebJobsStorage: azurite.connectionString, StorageConnString: azurite.connectionString });
const url = (path: string) => `${cli.baseUrl}/api${path}`;

beforeAll(async () => {
  azurite = await startTestAzurite();
  appDir = await compiledScratchCopy('storage-bindings');
  cli = await startCli({ args: ['start', '--cwd', appDir, '--backend', 'memory'], env: env() });
});

afterAll(async () => {
  await cli?.stop();
  await azurite?.stop();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

async function blobText(container: string, name: string): Promise<string | undefined> {
  const blob = new ContainerClient(azurite.connectionString, container).getBlobClient(name);
  return (await blob.exists()) ? (await blob.downloadToBuffer()).toString() : undefined;
}

describe('bindings the host does not serve', () => {
  it('are named at start-up with the function, the binding and the type', () => {
    expect(cli.output()).toMatch(/Function 'sendSms': output binding '\w+' of type 'twilioSms' is not served by durable-runtime/);
  });

  it('log an error naming the binding when an invocation sets a value on one', async () => {
    const response = await fetch(url('/sendSms'), { method: 'POST', body: 'hello' });
    expect(response.status).toBe(200);
    await cli.waitForOutput(/Function 'sendSms' set a value on its output binding '\w+' of type 'twilioSms'.*NOT delivered/);
  });

  it('refuse start-up with --strict-bindings', async () => {
    const result = await runCli({ args: ['start', '--cwd', appDir, '--backend', 'memory', '--strict-bindings', '--port', String(await freePort())], env: env() });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/--strict-bindings[\s\S]*Function 'sendSms': output binding '\w+' of type 'twilioSms'/);
  });
});

describe('blob output on a durable activity (the backupSiteContent pattern)', () => {
  it('writes each blob at the path taken from the activity input', async () => {
    const items = [
      { backupPath: 'site/index.html', content: '<h1>home</h1>' },
      { backupPath: 'site/css/main.css', content: 'body{}' },
    ];
    const started = await fetch(url('/backup'), { method: 'POST', body: JSON.stringify(items) });
    expect(started.status).toBe(202);
    const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
    const status = await waitFor('the backup to finish', async () => {
      const body = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
      return ['Completed', 'Failed'].includes(body.runtimeStatus) ? body : undefined;
    });
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 13 + 6 });
    expect(await blobText('backups', 'site/index.html')).toBe('<h1>home</h1>');
    expect(await blobText('backups', 'site/css/main.css')).toBe('body{}');
  });

  it('serves a blob input whose path comes from the HTTP route, and null for a missing blob', async () => {
    await new ContainerClient(azurite.connectionString, 'backups').getBlockBlobClient('report.txt').upload('quarterly', 9);
    const found = await fetch(url('/backups/report.txt'));
    expect(found.status).toBe(200);
    expect(await found.text()).toBe('quarterly');
    expect((await fetch(url('/backups/missing.txt'))).status).toBe(404);
  });
});

describe('HTTP → queue → queue trigger → table', () => {
  it('carries an order through the queue into the table, readable through a table input', async () => {
    const response = await fetch(url('/orders/contoso'), { method: 'POST', body: JSON.stringify({ item: 'widget' }) });
    expect(response.status).toBe(202);
    const orders = await waitFor('the order in the Orders table', async () => {
      const listed = (await (await fetch(url('/orders/contoso'))).json()) as Record<string, unknown>[];
      return listed.length > 0 ? listed : undefined;
    });
    expect(orders).toEqual([expect.objectContaining({ PartitionKey: 'contoso', item: 'widget', dequeueCount: 1 })]);
    // The queue message is deleted after the invocation succeeded, which also wrote the receipt blob ({rand-guid}).
    const queue = new QueueClient(azurite.connectionString, 'orders');
    await waitFor('the order message to be deleted', async () => (await queue.getProperties()).approximateMessagesCount === 0 || undefined);
    const receipts: string[] = [];
    for await (const blob of new ContainerClient(azurite.connectionString, 'receipts').listBlobsFlat({ prefix: 'contoso/' })) receipts.push(blob.name);
    expect(receipts).toEqual([expect.stringMatching(/^contoso\/[0-9a-f-]{36}\.json$/)]);
  });
});

describe('queue and table outputs', () => {
  it('write one queue message per array element, objects as JSON, base64-encoded', async () => {
    expect((await fetch(url('/audit'), { method: 'POST', body: JSON.stringify(['created', 'paid', { step: 3 }]) })).status).toBe(202);
    const peeked = (await new QueueClient(azurite.connectionString, 'audit').peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
    expect(peeked.map((m) => Buffer.from(m.messageText, 'base64').toString())).toEqual(['created', 'paid', '{"step":3}']);
  });

  it('fail the invocation, naming the function and the binding, for a table entity without keys', async () => {
    expect((await fetch(url('/addNote'), { method: 'POST', body: JSON.stringify({ text: 'no keys' }) })).status).toBe(500);
    await cli.waitForOutput(/Function 'addNote', table binding '\w+': the entity \{"text":"no keys"\} has no PartitionKey and RowKey strings/);
    expect((await fetch(url('/addNote'), { method: 'POST', body: JSON.stringify({ PartitionKey: 'p', RowKey: 'r', text: 'keyed' }) })).status).toBe(201);
  });
});

describe('poison messages', () => {
  it('move to <queue>-poison after 5 failed tries, unchanged', async () => {
    const queue = new QueueClient(azurite.connectionString, 'doomed');
    await queue.createIfNotExists();
    const body = Buffer.from(JSON.stringify({ job: 42 })).toString('base64');
    await queue.sendMessage(body);
    const poison = new QueueClient(azurite.connectionString, 'doomed-poison');
    const [message] = await waitFor('the message in doomed-poison', async () => {
      if (!(await poison.exists())) return undefined;
      const peeked = (await poison.peekMessages()).peekedMessageItems;
      return peeked.length > 0 ? peeked : undefined;
    });
    expect(message.messageText).toBe(body);
    const tries = cli.output().match(/cannot handle \{"job":42\} \(try \d\)/g) ?? [];
    expect(tries.sort()).toEqual([1, 2, 3, 4, 5].map((n) => `cannot handle {"job":42} (try ${n})`));
    await waitFor('the original to be deleted', async () => (await queue.getProperties()).approximateMessagesCount === 0 || undefined);
  });

  it('include a message that is not base64, after the same 5 tries', async () => {
    const queue = new QueueClient(azurite.connectionString, 'doomed');
    await queue.sendMessage('not base64!');
    const poison = new QueueClient(azurite.connectionString, 'doomed-poison');
    await waitFor('the undecodable message in doomed-poison', async () => {
      const peeked = (await poison.peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
      return peeked.some((m) => m.messageText === 'not base64!') || undefined;
    });
    expect(cli.output()).toMatch(/Function 'alwaysFails', queue trigger '\w+': message [\w-]+ on 'doomed' cannot be read: the message is not valid base64/);
  });
});

describe('blob trigger', () => {
  const uploads = () => new ContainerClient(azurite.connectionString, 'uploads');
  const runsFor = (output: string, name: string) => output.split(`processUpload ran for uploads/${name} `).length - 1;

  it('runs once per blob version, across a restart, and again for a new version', async () => {
    await uploads().createIfNotExists();
    await uploads().getBlockBlobClient('a.txt').upload('first', 5);
    await waitFor('processed/a.txt', async () => (await blobText('processed', 'a.txt')) === 'FIRST' || undefined, 30_000, 50, () => cli.output().slice(-3000));
    expect(runsFor(cli.output(), 'a.txt')).toBe(1);
    // The receipt lies where the storage extension keeps it, marked complete.
    const receipts = new ContainerClient(azurite.connectionString, 'azure-webjobs-hosts');
    const names: { name: string; completed?: string }[] = [];
    for await (const blob of receipts.listBlobsFlat({ prefix: 'blobreceipts/', includeMetadata: true })) names.push({ name: blob.name, completed: blob.metadata?.IsCompleted ?? blob.metadata?.iscompleted });
    expect(names).toContainEqual({ name: expect.stringMatching(/^blobreceipts\/[^/]+\/Host\.Functions\.processUpload\/[^/]+\/uploads\/a\.txt$/), completed: 'true' });

    // A restarted host finds the receipt of a.txt's version and leaves it alone; b.txt shows a scan has passed it.
    await cli.stop();
    cli = await startCli({ args: ['start', '--cwd', appDir, '--backend', 'memory'], env: env() });
    await uploads().getBlockBlobClient('b.txt').upload('second', 6);
    await waitFor('processed/b.txt', async () => (await blobText('processed', 'b.txt')) === 'SECOND' || undefined);
    expect(runsFor(cli.output(), 'a.txt')).toBe(0);

    await uploads().getBlockBlobClient('a.txt').upload('changed', 7);
    await waitFor('processed/a.txt of the new version', async () => (await blobText('processed', 'a.txt')) === 'CHANGED' || undefined);
    expect(runsFor(cli.output(), 'a.txt')).toBe(1);
  });

  it('sends a blob that fails 5 times to webjobs-blobtrigger-poison', async () => {
    await uploads().getBlockBlobClient('bad-1.txt').upload('x', 1);
    const poison = new QueueClient(azurite.connectionString, 'webjobs-blobtrigger-poison');
    const [message] = await waitFor('the poison message', async () => {
      if (!(await poison.exists())) return undefined;
      const peeked = (await poison.peekMessages()).peekedMessageItems;
      return peeked.length > 0 ? peeked : undefined;
    });
    expect(JSON.parse(Buffer.from(message.messageText, 'base64').toString())).toMatchObject({
      FunctionId: 'Host.Functions.processUpload',
      ContainerName: 'uploads',
      BlobName: 'bad-1.txt',
    });
    expect(runsFor(cli.output(), 'bad-1.txt')).toBe(5);
  });
});

describe('stopping', () => {
  it('takes no new messages once the host stops; the ones it took finish and the rest stay queued', async () => {
    const queue = new QueueClient(azurite.connectionString, 'slow-items');
    await queue.createIfNotExists();
    // Hidden for a few seconds, so the whole backlog becomes visible together rather than trickling in.
    await Promise.all(Array.from({ length: 100 }, (_, i) => queue.sendMessage(Buffer.from(String(i)).toString('base64'), { visibilityTimeout: 5 })));
    await cli.waitForOutput(/slowWorker finished/);
    const status = await cli.stop();
    expect(status.code).toBe(0);
    const started = cli.output().split("Executing 'Functions.slowWorker'").length - 1;
    const finished = cli.output().split(/Executed 'Functions\.slowWorker' \(Succeeded/).length - 1;
    expect(finished).toBe(started);
    // After the stop began, only what the listener already held runs: at most batchSize + newBatchThreshold (4 + 4
    // in host.json), counting those still running at the stop and any that start after it.
    const [beforeStop, afterStop] = cli.output().split('received: stopping');
    const count = (text: string, pattern: RegExp) => text.split(pattern).length - 1;
    const heldAtStop = count(beforeStop, /Executing 'Functions\.slowWorker'/) - count(beforeStop, /Executed 'Functions\.slowWorker'/);
    expect(afterStop).toBeDefined();
    expect(heldAtStop + count(afterStop, /Executing 'Functions\.slowWorker'/)).toBeLessThanOrEqual(8);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(100 - finished);
  });
});
