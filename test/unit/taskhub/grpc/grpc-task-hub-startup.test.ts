// GrpcTaskHub.start() against a grpc-js server that refuses the caller, as the Scheduler does for an identity
// without a role (UNAUTHENTICATED / PERMISSION_DENIED): the error names the role (issue 15 "Bad input").
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Empty, TaskHubSidecarServiceService } from '../../../../src/scheduler-protocol';
import { GrpcTaskHub, parseSchedulerConnectionString, SchedulerConnectionError } from '../../../../src/taskhub/grpc';

describe('GrpcTaskHub start-up against a Scheduler that refuses the identity', () => {
  let server: Server;
  let port: number;
  let refusal = status.PERMISSION_DENIED;

  beforeAll(async () => {
    server = new Server();
    server.addService(TaskHubSidecarServiceService, {
      hello: (_call: ServerUnaryCall<Empty, Empty>, callback: sendUnaryData<Empty>) => callback({ code: refusal, details: 'caller is not authorized' }),
    });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
  });

  afterAll(() => server.forceShutdown());

  const start = () =>
    new GrpcTaskHub({ connection: parseSchedulerConnectionString(`Endpoint=http://127.0.0.1:${port};Authentication=None`, 'CONN'), taskHub: 'orders', settingName: 'CONN' })
      .start()
      .then(() => undefined, (error: unknown) => error as Error);

  it.each([
    [status.PERMISSION_DENIED, "The identity may not use task hub 'orders'"],
    [status.UNAUTHENTICATED, 'refused the token (UNAUTHENTICATED: caller is not authorized)'],
  ])('status %p names the Durable Task Data Contributor role', async (code, message) => {
    refusal = code;
    const error = await start();
    expect(error).toBeInstanceOf(SchedulerConnectionError);
    expect(error!.message).toContain(message);
    expect(error!.message).toContain("'Durable Task Data Contributor' role");
  });
});
