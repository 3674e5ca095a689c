// The Scheduler's observable rules and bad input through `durable-runtime emulator` (issue 14 "Bad input";
// specs/backends.md B2 status codes, B6 taskhub header, B8 task hubs): each mistake gets the right gRPC status
// and a message that names it, and the server keeps serving.

import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
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

  it('lists the hubs and their instance counts on the dashboard port', async () => {
    const listing = (await (await fetch(`http://localhost:${emulator.dashboardPort}/`)).json()) as { taskHubs: { name: string; instances: { total: number; Pending: number } }[] };
    expect(listing.taskHubs.map((hub) => hub.name).sort()).toEqual(['alpha', 'beta']);
    expect(listing.taskHubs.find((hub) => hub.name === 'alpha')!.instances.Pending).toBeGreaterThanOrEqual(1);
  });
});

describe('client rules (specs/backends.md B2)', () => {
  it('refuses instance ids over 100 characters, naming the field', async () => {
    expectStatus(await call('startInstance', start('x'.repeat(101))), status.INVALID_ARGUMENT, /instanceId is 101 characters long.*at most 100/);
    expect(await call('startInstance', start('y'.repeat(100)))).toBeInstanceOf(pb.CreateInstanceResponse);
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

  it('streams work with tokens; a used token is NOT_FOUND, another worker’s is FAILED_PRECONDITION, and a dropped stream hands work on', async () => {
    await call('startInstance', start('stream-1', 'hello'), { taskhub: 'beta' });
    const stream = raw.getWorkItems(new pb.GetWorkItemsRequest(), metadata({ taskhub: 'beta', workerid: 'worker-a' }));
    const item = await new Promise<pb.WorkItem>((resolve) => stream.on('data', (workItem: pb.WorkItem) => workItem.hasOrchestratorrequest() && resolve(workItem)));
    stream.on('error', () => undefined);
    const request = item.getOrchestratorrequest()!;
    expect(request.getInstanceid()).toBe('stream-1');
    expect(request.getNeweventsList()[0].hasOrchestratorstarted()).toBe(true);
    const token = item.getCompletiontoken();

    const complete = new pb.OrchestratorResponse()
      .setInstanceid('stream-1')
      .setCompletiontoken(token)
      .setActionsList([
        new pb.OrchestratorAction().setId(0).setCompleteorchestration(
          new pb.CompleteOrchestrationAction().setOrchestrationstatus(pb.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED).setResult(new StringValue().setValue('"done"')),
        ),
      ]);
    expectStatus(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-b' }), status.FAILED_PRECONDITION, /given to worker worker-a, not to worker worker-b/);

    // The stream drops: the work item goes to the next worker at once, under a new token.
    stream.cancel();
    const next = raw.getWorkItems(new pb.GetWorkItemsRequest(), metadata({ taskhub: 'beta', workerid: 'worker-c' }));
    next.on('error', () => undefined);
    const again = await new Promise<pb.WorkItem>((resolve) => next.on('data', (workItem: pb.WorkItem) => workItem.hasOrchestratorrequest() && resolve(workItem)));
    expect(again.getOrchestratorrequest()!.getInstanceid()).toBe('stream-1');
    expectStatus(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-a' }), status.NOT_FOUND, /stream closed/);

    complete.setCompletiontoken(again.getCompletiontoken());
    expect(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-c' })).toBeInstanceOf(pb.CompleteTaskResponse);
    expectStatus(await call('completeOrchestratorTask', complete, { taskhub: 'beta', workerid: 'worker-c' }), status.NOT_FOUND, /completed or abandoned already/);
    next.cancel();
    const state = (await call('getInstance', new pb.GetInstanceRequest().setInstanceid('stream-1').setGetinputsandoutputs(true), { taskhub: 'beta' })) as pb.GetInstanceResponse;
    expect(state.getOrchestrationstate()!.getOrchestrationstatus()).toBe(pb.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    expect(state.getOrchestrationstate()!.getOutput()!.getValue()).toBe('"done"');
  });

  it('refuses a malformed result with INVALID_ARGUMENT, gives the work back and keeps serving', async () => {
    await call('startInstance', start('bad-result', 'hello'), { taskhub: 'beta' });
    const stream = raw.getWorkItems(new pb.GetWorkItemsRequest(), metadata({ taskhub: 'beta' }));
    stream.on('error', () => undefined);
    const items: pb.WorkItem[] = [];
    stream.on('data', (workItem: pb.WorkItem) => workItem.hasOrchestratorrequest() && items.push(workItem));
    await waitFor('a work item', () => items.length >= 1);
    const bad = new pb.OrchestratorResponse().setInstanceid('bad-result').setCompletiontoken(items[0].getCompletiontoken()).setActionsList([new pb.OrchestratorAction().setId(0)]);
    expectStatus(await call('completeOrchestratorTask', bad, { taskhub: 'beta' }), status.INVALID_ARGUMENT, /Action 0 has no action type set/);
    // Given back (with a backoff), the same instance comes again.
    await waitFor('the work item again', () => items.length >= 2, 30_000);
    expect(items[1].getOrchestratorrequest()!.getInstanceid()).toBe('bad-result');
    stream.cancel();
  });
});

describe('worker capabilities (specs/backends.md B3 GetWorkItemsRequest, B4 step 4)', () => {
  /** Other tests leave instances in hub beta: wait for the one this test started. */
  function orchestratorItemFor(instanceId: string, request: pb.GetWorkItemsRequest) {
    const stream = raw.getWorkItems(request, metadata({ taskhub: 'beta' }));
    stream.on('error', () => undefined);
    const item = new Promise<pb.WorkItem>((resolve) =>
      stream.on('data', (workItem: pb.WorkItem) => workItem.getOrchestratorrequest()?.getInstanceid() === instanceId && resolve(workItem)),
    );
    return { stream, item };
  }

  it('sends history by StreamInstanceHistory only to a worker that announced HISTORY_STREAMING', async () => {
    await call('startInstance', start('streamed', 'hello'), { taskhub: 'beta' });
    const request = new pb.GetWorkItemsRequest().setCapabilitiesList([pb.WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING]);
    const { stream, item } = orchestratorItemFor('streamed', request);
    const orchestrator = (await item).getOrchestratorrequest()!;
    expect(orchestrator.getRequireshistorystreaming()).toBe(true);
    expect(orchestrator.getPasteventsList()).toHaveLength(0);
    const history = raw.streamInstanceHistory(new pb.StreamInstanceHistoryRequest().setInstanceid('streamed').setForworkitemprocessing(true), metadata({ taskhub: 'beta' }));
    const chunks: pb.HistoryChunk[] = [];
    await new Promise((resolve, reject) => history.on('data', (chunk: pb.HistoryChunk) => chunks.push(chunk)).on('end', resolve).on('error', reject));
    // A first episode has no past events; the stream ends cleanly with none.
    expect(chunks.flatMap((chunk) => chunk.getEventsList())).toHaveLength(0);
    stream.cancel();

    const unknown = raw.streamInstanceHistory(new pb.StreamInstanceHistoryRequest().setInstanceid('nobody'), metadata({ taskhub: 'beta' }));
    const error = await new Promise<ServiceError>((resolve) => unknown.on('error', resolve).on('data', () => undefined));
    expectStatus(error, status.NOT_FOUND, /'nobody'/);
  });

  it('hands a worker only the orchestrations its work-item filters name', async () => {
    const filters = new pb.WorkItemFilters().setOrchestrationsList([new pb.OrchestrationFilter().setName('wanted')]);
    const stream = raw.getWorkItems(new pb.GetWorkItemsRequest().setWorkitemfilters(filters), metadata({ taskhub: 'beta' }));
    stream.on('error', () => undefined);
    const received: string[] = [];
    stream.on('data', (workItem: pb.WorkItem) => workItem.hasOrchestratorrequest() && received.push(workItem.getOrchestratorrequest()!.getInstanceid()));
    await call('startInstance', start('filtered-out', 'unwanted'), { taskhub: 'beta' });
    await call('startInstance', start('filtered-in', 'wanted'), { taskhub: 'beta' });
    await waitFor('the wanted orchestration', () => received.includes('filtered-in'));
    expect(received).toEqual(['filtered-in']);
    stream.cancel();
  });
});

describe('the SDK against a fixed hub', () => {
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
