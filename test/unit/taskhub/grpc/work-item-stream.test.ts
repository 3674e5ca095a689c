// specs/backends.md B4: Hello, then one GetWorkItems stream; health pings are no-ops; the stream is opened again
// when it ends, fails, or stays silent past the watchdog's timeout (B4.7/B4.8). Against a real grpc-js server.
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { Empty, TaskHubSidecarServiceService, pb } from '../../../../src/scheduler-protocol';
import type { Logger } from '../../../../src/core';
import { CallMetadata } from '../../../../src/taskhub/grpc';
import { openSidecarClient, type SidecarClient } from '../../../../src/taskhub/grpc/scheduler-channel';
import { WorkItemStream } from '../../../../src/taskhub/grpc/work-item-stream';
import { waitFor } from '../../../support/wait-for';

type Stream = ServerWritableStream<pb.GetWorkItemsRequest, pb.WorkItem>;

describe('WorkItemStream', () => {
  let server: Server;
  let client: SidecarClient;
  const streams: Stream[] = [];
  let hellos = 0;
  let refuseHello: number | undefined;
  const logs: string[] = [];
  const logger: Logger = { debug: () => undefined, info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };
  const received: pb.WorkItem[] = [];
  let disconnects = 0;
  let stream: WorkItemStream | undefined;

  beforeAll(async () => {
    server = new Server();
    server.addService(TaskHubSidecarServiceService, {
      hello: (_call: ServerUnaryCall<Empty, Empty>, callback: sendUnaryData<Empty>) => {
        hellos++;
        if (refuseHello !== undefined) callback({ code: refuseHello, details: 'refused by the test' });
        else callback(null, new Empty());
      },
      getWorkItems: (call: Stream) => {
        streams.push(call);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    client = openSidecarClient({ address: `127.0.0.1:${port}`, useTls: false }, 'test');
  });

  afterEach(async () => {
    await stream?.stop();
    stream = undefined;
    for (const open of streams.splice(0)) open.end();
    received.length = 0;
    logs.length = 0;
    hellos = 0;
    disconnects = 0;
    refuseHello = undefined;
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  function open(silenceTimeoutMs = 60_000): WorkItemStream {
    stream = new WorkItemStream({
      client,
      metadata: new CallMetadata({ taskHub: 'hub', workerId: 'w1' }),
      target: { endpoint: 'http://127.0.0.1', taskHub: 'hub', settingName: 'CONN' },
      request: () => new pb.GetWorkItemsRequest().setMaxconcurrentactivityworkitems(7),
      onWorkItem: (item) => received.push(item),
      onDisconnect: () => disconnects++,
      logger,
      silenceTimeoutMs,
      backoffBaseMs: 10,
      backoffMaxMs: 20,
    });
    stream.start();
    return stream;
  }

  const activity = (token: string) => new pb.WorkItem().setActivityrequest(new pb.ActivityRequest().setName('a').setTaskid(1)).setCompletiontoken(token);
  const ping = () => new pb.WorkItem().setHealthping(new pb.HealthPing());

  it('says hello, announces its limits, passes work items on and ignores health pings', async () => {
    open();
    const call = await waitFor('the stream', () => streams[0]);
    expect(hellos).toBe(1);
    expect(call.request.getMaxconcurrentactivityworkitems()).toBe(7);
    expect(call.metadata.get('workerid')).toEqual(['w1']);
    call.write(ping());
    call.write(activity('t1'));
    await waitFor('the work item', () => received.length === 1);
    expect(received[0].getCompletiontoken()).toBe('t1');
  });

  it('opens the stream again when the server ends it, and reports the disconnect', async () => {
    open();
    (await waitFor('the first stream', () => streams[0])).end();
    const second = await waitFor('the second stream', () => streams[1]);
    expect(disconnects).toBe(1);
    expect(logs.join('\n')).toContain("ended. Reconnecting");
    second.write(activity('t2'));
    await waitFor('the work item on the new stream', () => received.length === 1);
  });

  it('reconnects when the stream fails, and keeps retrying while the server refuses, saying why', async () => {
    open();
    const first = await waitFor('the first stream', () => streams[0]);
    refuseHello = status.PERMISSION_DENIED;
    first.emit('error', { code: status.INTERNAL, details: 'going away' });
    await waitFor('two refused hellos', () => hellos >= 3, 5000, 50, () => `hellos ${hellos} streams ${streams.length} logs ${logs.join(' | ')}`);
    expect(logs.join('\n')).toContain("Assign it the 'Durable Task Data Contributor' role");
    refuseHello = undefined;
    await waitFor('the stream after the refusals', () => streams[1]);
  });

  it('reconnects when nothing arrives before the watchdog fires, and logs why', async () => {
    open(300);
    await waitFor('the first stream', () => streams[0]);
    const second = await waitFor('a new stream after the silence', () => streams[1]);
    expect(logs.join('\n')).toContain('No work item or health ping from http://127.0.0.1 for 0.3 s; the connection is presumed dead. Reconnecting.');
    second.write(activity('t3'));
    await waitFor('the work item on the new stream', () => received.length === 1);
  });
});
