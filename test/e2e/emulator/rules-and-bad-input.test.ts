// The Scheduler's observable rules and bad input through `durable-runtime emulator` (issue 14 "Bad input";
// specs/backends.md B2 status codes, B6 taskhub header, B8 task hubs): each mistake gets the right gRPC status
// and a message that names it, and the server keeps serving.

import { credentials, Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { OrchestrationStatus, type ActivityContext, type OrchestrationContext } from '@microsoft/durabletask-js';
import { Empty, pb, StringValue, TaskHubSidecarServiceClient } from '../../../src/scheduler-protocol';
import { runCli } from '../../support/cli-process';
import { sdkClient, sdkWorker, startEmulator, type EmulatorProcess } from '../../support/emulator-process';
import { waitFor } from '../../support/wait-for';

jest.setTimeout(120_000);

let emulator: EmulatorProcess;
let raw: TaskHubSidecarServiceClient;

beforeAll(async () => {
  emulator = await startEmulator({ args: ['--task-hubs', 'alpha,beta'] });
  raw = new TaskHubSidecarServiceClient(emulator.address, credentials.createInsecure());
});

afterAll(async () => {
  raw?.close();
  await emulator?.stop('SIGINT');
});

function metadata(values: Record<string, string>): Metadata {
  const result = new Metadata();
  for (const [key, value] of Object.entries(values)) result.set(key, value);
  return result;
}

/** Calls a unary RPC and returns its response or the ServiceError. */
function call<Request, Response>(method: string, request: Request, headers: Record<string, string> = { taskhub: 'alpha' }): Promise<Response | ServiceError> {
  return new Promise((resolve) => {
    const fn = (raw as unknown as Record<string, (r: Request, m: Metadata, cb: (e: ServiceError | null, r: Response) => void) => void>)[method].bind(raw);
    fn(request, metadata(headers), (error, response) => resolve(error ?? response));
  });
}

function expectStatus(result: unknown, code: status, message: RegExp): void {
  expect(result).toMatchObject({ code });
  expect((result as ServiceError).details).toMatch(message);
}

function start(instanceId: string, name = 'waiter', policy?: pb.OrchestrationStatus[]): pb.CreateInstanceRequest {
  const request = new pb.CreateInstanceRequest().setInstanceid(instanceId).setName(name);
  if (policy) request.setOrchestrationidreusepolicy(new pb.OrchestrationIdReusePolicy().setReplaceablestatusList(policy));
  return request;
}

/** Raw worker streams of hub beta, cancelled after each test; instances the tests started there are terminated. */
const openStreams: ClientReadableStream<pb.WorkItem>[] = [];
const BETA_INSTANCES = ['abandoned-1', 'bad-result', 'streamed', 'filtered-out', 'filtered-in'];

afterEach(async () => {
  for (const stream of openStreams.splice(0)) stream.cancel();
});

function workerStream(workerId?: string, request = new pb.GetWorkItemsRequest()) {
  const stream = raw.getWorkItems(request, metadata(workerId ? { taskhub: 'beta', workerid: workerId } : { taskhub: 'beta' }));
  openStreams.push(stream);
  stream.on('error', () => undefined);
  const items: pb.WorkItem[] = [];
  stream.on('data', (workItem: pb.WorkItem) => workItem.hasOrchestratorrequest() && items.push(workItem));
  const forInstance = (instanceId: string) => items.filter((item) => item.getOrchestratorrequest()!.getInstanceid() === instanceId);
  return {
    stream,
    received: () => items.map((item) => item.getOrchestratorrequest()!.getInstanceid()),
    /** The `index`-th orchestrator work item for the instance (other tests leave instances in hub beta). */
    next: (instanceId: string, index = 0) => waitFor(`work item ${index} for '${instanceId}'`, () => forInstance(instanceId)[index], 30_000),
  };
}

describe('the command line', () => {
  it('refuses a bad backend and explains --help', async () => {
    const bad = await runCli({ args: ['emulator', '--backend', 'cosmos'] });
    expect(bad.code).toBe(2);
    expect(bad.output).toContain("--backend must be memory or AzureStorage, but is 'cosmos'.");
    const help = await runCli({ args: ['emulator', '--help'] });
    expect(help.code).toBe(0);
    expect(help.output).toContain('Endpoint=http://localhost:<port>;Authentication=None;TaskHub=<hub>');
  });
});

describe('task hubs (specs/backends.md B6, B8)', () => {
  it('answers NOT_FOUND naming the served hubs when --task-hubs fixes the list', async () => {
    expectStatus(await call('hello', new Empty(), { taskhub: 'gamma' }), status.NOT_FOUND, /'gamma' does not exist.*'alpha', 'beta'/);
    expect(await call('hello', new Empty(), { taskhub: 'beta' })).toBeInstanceOf(Empty);
  });

  it('keeps hubs apart', async () => {
    await call('startInstance', start('only-in-alpha'));
    const inBeta = (await call('getInstance', new pb.GetInstanceRequest().setInstanceid('only-in-alpha'), { taskhub: 'beta' })) as pb.GetInstanceResponse;
    expect(inBeta.getExists()).toBe(false);
    const inAlpha = (await call('getInstance', new pb.GetInstanceRequest().setInstanceid('only-in-alpha'))) as pb.GetInstanceResponse;
    expect(inAlpha.getExists()).toBe(true);
    expect(inAlpha.getOrchestrationstate()!.getOrchestrationstatus()).toBe(pb.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);
  });

  it('shows the hubs on the dashboard port, each with its dashboard and counts', async () => {
    const base = `http://localhost:${emulator.dashboardPort}`;
    const picker = await fetch(`${base}/`);
    expect(picker.headers.get('content-type')).toMatch(/text\/html/);
    const page = await picker.text();
    for (const hub of ['alpha', 'beta']) expect(page).toContain(`href="/taskhubs/${hub}/"`);
    const counts = (await (await fetch(`${base}/taskhubs/alpha/api/v1/counts`)).json()) as { counts: { Pending?: number } };
    expect(counts.counts.Pending).toBeGreaterThanOrEqual(1);
    const unknown = await fetch(`${base}/taskhubs/gamma/`);
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({ status: 404, body: { error: "No task hub 'gamma' on this emulator: open one of alpha, beta." } });
  });
});

describe('client rules (specs/backends.md B2)', () => {
  it('refuses instance ids over 100 characters, naming the field', async () => {
    expectStatus(await call('startInstance', start('x'.repeat(101))), status.INVALID_ARGUMENT, /instanceId is 101 characters long.*at most 100/);
    expect(await call('startInstance', start('y'.repeat(100)))).toBeInstanceOf(pb.CreateInstanceResponse);
  });

  it('refuses a payload over 4 MB, naming the instance and the limit', async () => {
    const request = start('too-big').setInput(new StringValue().setValue(JSON.stringify('x'.repeat(5 * 1024 * 1024))));
    expectStatus(await call('startInstance', request), status.RESOURCE_EXHAUSTED, /StartInstance request for instance 'too-big' is \d+ bytes; the limit is 4194304 bytes/);
    const missing = (await call('getInstance', new pb.GetInstanceRequest().setInstanceid('too-big'))) as pb.GetInstanceResponse;
    expect(missing.getExists()).toBe(false);
  });

  it('refuses a start without an orchestrator name', async () => {
    expectStatus(await call('startInstance', new pb.CreateInstanceRequest().setInstanceid('nameless')), status.INVALID_ARGUMENT, /^name is required/);
  });

  it('answers ALREADY_EXISTS for a running id, and follows the id-reuse policy', async () => {
    await call('startInstance', start('dup'));
    expectStatus(await call('startInstance', start('dup')), status.ALREADY_EXISTS, /'dup' already exists with status Pending/);
    expectStatus(await call('startInstance', start('dup', 'waiter', [])), status.ALREADY_EXISTS, /'dup'/);
    // A policy that names Pending lets the new start replace it.
    expect(await call('startInstance', start('dup', 'other', [pb.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING]))).toBeInstanceOf(pb.CreateInstanceResponse);
    const state = (await call('getInstance', new pb.GetInstanceRequest().setInstanceid('dup'))) as pb.GetInstanceResponse;
    expect(state.getOrchestrationstate()!.getName()).toBe('other');
  });

  it('answers NOT_FOUND for unknown instances and FAILED_PRECONDITION for a wrong state', async () => {
    expectStatus(await call('raiseEvent', new pb.RaiseEventRequest().setInstanceid('nobody').setName('e')), status.NOT_FOUND, /'nobody'/);
    expectStatus(await call('rewindInstance', new pb.RewindInstanceRequest().setInstanceid('nobody')), status.NOT_FOUND, /'nobody'/);
    await call('startInstance', start('pending-1'));
    expectStatus(await call('rewindInstance', new pb.RewindInstanceRequest().setInstanceid('pending-1')), status.FAILED_PRECONDITION, /Cannot rewind instance 'pending-1' because its status is Pending/);
    expectStatus(await call('purgeInstances', new pb.PurgeInstancesRequest().setInstanceid('pending-1')), status.FAILED_PRECONDITION, /Cannot purge/);
    const missing = (await call('getInstance', new pb.GetInstanceRequest().setInstanceid('nobody'))) as pb.GetInstanceResponse;
    expect(missing.getExists()).toBe(false);
  });

  it('refuses an entity call with an id that is not "@name@key"', async () => {
    expectStatus(await call('signalEntity', new pb.SignalEntityRequest().setInstanceid('counter').setName('add')), status.INVALID_ARGUMENT, /'counter' is not an entity id/);
  });

  it('answers DEADLINE_EXCEEDED when a long poll outlives the client deadline', async () => {
    await call('startInstance', start('never-done'));
    const result = await new Promise<ServiceError | pb.GetInstanceResponse>((resolve) =>
      raw.waitForInstanceCompletion(new pb.GetInstanceRequest().setInstanceid('never-done'), metadata({ taskhub: 'alpha' }), { deadline: Date.now() + 300 }, (error, response) => resolve(error ?? response)),
    );
    expect(result).toMatchObject({ code: status.DEADLINE_EXCEEDED });
  });
});

describe('worker rules (specs/backends.md B4)', () => {
  it('answers NOT_FOUND for unknown completion tokens and INVALID_ARGUMENT for an empty one', async () => {
    const response = new pb.ActivityResponse().setInstanceid('i').setTaskid(1).setCompletiontoken('no-such-token');
    expectStatus(await call('completeActivityTask', response), status.NOT_FOUND, /completion token 'no-such-token'/);
    expectStatus(await call('abandonTaskOrchestratorWorkItem', new pb.AbandonOrchestrationTaskRequest()), status.INVALID_ARGUMENT, /completionToken is empty/);
  });

  it('offers an abandoned work item again', async () => {
    await call('startInstance', start('abandoned-1', 'hello'), { taskhub: 'beta' });
    const worker = workerStream();
    const first = await worker.next('abandoned-1');
    const abandon = new pb.AbandonOrchestrationTaskRequest().setCompletiontoken(first.getCompletiontoken());
    expect(await call('abandonTaskOrchestratorWorkItem', abandon, { taskhub: 'beta' })).toBeInstanceOf(pb.AbandonOrchestrationTaskResponse);
    const again = await worker.next('abandoned-1', 1);
    expect(again.getCompletiontoken()).not.toBe(first.getCompletiontoken());
  });

  it('streams work with tokens; a used token is NOT_FOUND, another worker’s is FAILED_PRECONDITION, and a dropped stream hands work on', async () => {
    await call('startInstance', start('stream-1', 'hello'), { taskhub: 'beta' });
    const workerA = workerStream('worker-a');
    const item = await workerA.next('stream-1');
    expect(item.getOrchestratorrequest()!.getNeweventsList()[0].hasOrchestratorstarted()).toBe(true);

    const complete = new pb.OrchestratorResponse()
      .setInstanceid('stream-1')
      .setCompletiontoken(item.getCompletiontoken())
      .setActionsList([
        new pb.OrchestratorAction().setId(0).setCompleteorchestration(
          new pb.CompleteOrchestrationAction().setOrchestrationstatus(pb.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED).setResult(new StringValue().setValue('"done"')),
        ),
      ]);
    expectStatus(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-b' }), status.FAILED_PRECONDITION, /given to worker worker-a, not to worker worker-b/);

    // The stream drops: the work item goes to the next worker at once, under a new token.
    workerA.stream.cancel();
    const again = await workerStream('worker-c').next('stream-1');
    expectStatus(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-a' }), status.NOT_FOUND, /stream closed/);

    complete.setCompletiontoken(again.getCompletiontoken());
    expect(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-c' })).toBeInstanceOf(pb.CompleteTaskResponse);
    expectStatus(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-c' }), status.NOT_FOUND, /completed or abandoned already/);
    const state = (await call('getInstance', new pb.GetInstanceRequest().setInstanceid('stream-1').setGetinputsandoutputs(true), { taskhub: 'beta' })) as pb.GetInstanceResponse;
    expect(state.getOrchestrationstate()!.getOrchestrationstatus()).toBe(pb.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    expect(state.getOrchestrationstate()!.getOutput()!.getValue()).toBe('"done"');
  });

  it('refuses a malformed result with INVALID_ARGUMENT, gives the work back and keeps serving', async () => {
    await call('startInstance', start('bad-result', 'hello'), { taskhub: 'beta' });
    const worker = workerStream();
    const first = await worker.next('bad-result');
    const bad = new pb.OrchestratorResponse().setInstanceid('bad-result').setCompletiontoken(first.getCompletiontoken()).setActionsList([new pb.OrchestratorAction().setId(0)]);
    expectStatus(await call('completeOrchestratorTask', bad, { taskhub: 'beta' }), status.INVALID_ARGUMENT, /Action 0 has no action type set/);
    // Given back (with a backoff), the same instance comes again.
    await worker.next('bad-result', 1);
  });
});

describe('worker capabilities (specs/backends.md B3 GetWorkItemsRequest, B4 step 4)', () => {
  it('sends history by StreamInstanceHistory only to a worker that announced HISTORY_STREAMING', async () => {
    await call('startInstance', start('streamed', 'hello'), { taskhub: 'beta' });
    const request = new pb.GetWorkItemsRequest().setCapabilitiesList([pb.WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING]);
    const orchestrator = (await workerStream(undefined, request).next('streamed')).getOrchestratorrequest()!;
    expect(orchestrator.getRequireshistorystreaming()).toBe(true);
    expect(orchestrator.getPasteventsList()).toHaveLength(0);
    const history = raw.streamInstanceHistory(new pb.StreamInstanceHistoryRequest().setInstanceid('streamed').setForworkitemprocessing(true), metadata({ taskhub: 'beta' }));
    const chunks: pb.HistoryChunk[] = [];
    await new Promise((resolve, reject) => history.on('data', (chunk: pb.HistoryChunk) => chunks.push(chunk)).on('end', resolve).on('error', reject));
    // A first episode has no past events; the stream ends cleanly with none.
    expect(chunks.flatMap((chunk) => chunk.getEventsList())).toHaveLength(0);

    const unknown = raw.streamInstanceHistory(new pb.StreamInstanceHistoryRequest().setInstanceid('nobody'), metadata({ taskhub: 'beta' }));
    const error = await new Promise<ServiceError>((resolve) => unknown.on('error', resolve).on('data', () => undefined));
    expectStatus(error, status.NOT_FOUND, /'nobody'/);
  });

  it('hands a worker only the orchestrations its work-item filters name', async () => {
    const filters = new pb.WorkItemFilters().setOrchestrationsList([new pb.OrchestrationFilter().setName('wanted')]);
    const worker = workerStream(undefined, new pb.GetWorkItemsRequest().setWorkitemfilters(filters));
    await call('startInstance', start('filtered-out', 'unwanted'), { taskhub: 'beta' });
    await call('startInstance', start('filtered-in', 'wanted'), { taskhub: 'beta' });
    await worker.next('filtered-in');
    expect(worker.received()).toEqual(['filtered-in']);
  });
});

describe('the SDK against a fixed hub', () => {
  beforeAll(async () => {
    // Leave nothing the raw-stream tests started in hub beta for the SDK worker to pick up.
    for (const id of BETA_INSTANCES) await call('terminateInstance', new pb.TerminateRequest().setInstanceid(id), { taskhub: 'beta' });
  });

  it('runs an orchestration in hub beta, and Ctrl+C ends the worker stream with CANCELLED', async () => {
    const client = sdkClient(emulator.address, 'beta');
    const worker = sdkWorker(emulator.address, 'beta');
    worker.addNamedActivity('hi', (_ctx: ActivityContext, name: string) => `hi ${name}`);
    worker.addNamedOrchestrator('greet', async function* (ctx: OrchestrationContext, name: string): any {
      return yield ctx.callActivity('hi', name);
    });
    await worker.start();
    try {
      const id = await client.scheduleNewOrchestration('greet', 'bo');
      const state = await client.waitForOrchestrationCompletion(id, true, 60);
      expect(state?.runtimeStatus).toBe(OrchestrationStatus.COMPLETED);
      expect(JSON.parse(state!.serializedOutput!)).toBe('hi bo');

      const stream = raw.getWorkItems(new pb.GetWorkItemsRequest(), metadata({ taskhub: 'beta' }));
      const ended = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      stream.on('data', () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      await emulator.stop('SIGINT');
      const error = await ended;
      expect(error.code).toBe(status.CANCELLED);
      expect(error.details).toMatch(/shutting down; reconnect/);
      expect(emulator.output()).toMatch(/Connection string: Endpoint=http:\/\/localhost:\d+;Authentication=None;TaskHub=alpha/);
    } finally {
      await worker.stop().catch(() => undefined);
      await client.stop();
    }
  });
});
