// specs/backends.md B6: the metadata as a real grpc-js server receives it.
import { Server, ServerCredentials, type Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Empty, TaskHubSidecarServiceService } from '../../../../src/scheduler-protocol';
import { CallMetadata, SchedulerTokenSource, newWorkerId } from '../../../../src/taskhub/grpc';
import { openSidecarClient, type SidecarClient } from '../../../../src/taskhub/grpc/scheduler-channel';

describe('Scheduler call metadata', () => {
  const received: Metadata[] = [];
  let server: Server;
  let client: SidecarClient;

  beforeAll(async () => {
    server = new Server();
    server.addService(TaskHubSidecarServiceService, {
      hello: (call: ServerUnaryCall<Empty, Empty>, callback: sendUnaryData<Empty>) => {
        received.push(call.metadata);
        callback(null, new Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    client = openSidecarClient({ address: `127.0.0.1:${port}`, useTls: false }, 'durable-runtime-test');
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  const hello = (metadata: Metadata) => new Promise<void>((resolve, reject) => client.hello(new Empty(), metadata, (error) => (error ? reject(error) : resolve())));

  it('sends taskhub, x-user-agent, workerid and a bearer token on worker calls', async () => {
    let issued = 0;
    const tokens = new SchedulerTokenSource({ getToken: async () => ({ token: `aad-${++issued}`, expiresOnTimestamp: Date.now() + 3_600_000 }) }, 'test');
    const workerId = newWorkerId();
    const metadata = new CallMetadata({ taskHub: 'orders', userAgent: 'durable-runtime/1.2.3', tokens, workerId });
    await hello(await metadata.forCall('DurableTaskWorker'));
    const headers = received.at(-1)!;
    expect(headers.get('taskhub')).toEqual(['orders']);
    expect(headers.get('x-user-agent')).toEqual(['durable-runtime/1.2.3 (DurableTaskWorker)']);
    expect(headers.get('workerid')).toEqual([workerId]);
    expect(workerId).toMatch(/^[^,]+,\d+,[0-9a-f]{32}$/);
    expect(headers.get('authorization')).toEqual(['Bearer aad-1']);
    expect(String(headers.get('user-agent')[0])).toContain('durable-runtime-test');
  });

  it('sends no workerid on client calls and no authorization without a credential', async () => {
    const metadata = new CallMetadata({ taskHub: 'default', workerId: newWorkerId() });
    await hello(await metadata.forCall('DurableTaskClient'));
    const headers = received.at(-1)!;
    expect(headers.get('taskhub')).toEqual(['default']);
    expect(headers.get('x-user-agent')).toEqual(['durable-runtime (DurableTaskClient)']);
    expect(headers.get('workerid')).toEqual([]);
    expect(headers.get('authorization')).toEqual([]);
  });
});
