// Calls no SDK would make (issue 14 "Bad input": malformed protobuf, unknown RPCs): raw bytes sent to
// `durable-runtime emulator` over a plain grpc-js channel. Each gets a gRPC error status that says what was wrong,
// and the server keeps serving the calls after it.

import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { startEmulator, type EmulatorProcess } from '../../support/emulator-process';

jest.setTimeout(120_000);

let emulator: EmulatorProcess;
let channel: Client;

beforeAll(async () => {
  emulator = await startEmulator();
  channel = new Client(emulator.address, credentials.createInsecure());
});

afterAll(async () => {
  channel?.close();
  await emulator?.stop('SIGINT');
});

/** One unary call with the request and response left as bytes (specs/backends.md B1: `/TaskHubSidecarService/<Rpc>`). */
function rawCall(path: string, body: Buffer): Promise<{ error?: ServiceError; response?: Buffer }> {
  const bytes = (value: Buffer) => value;
  return new Promise((resolve) => {
    channel.makeUnaryRequest(path, bytes, bytes, body, new Metadata(), (error, response) => resolve({ error: error ?? undefined, response }));
  });
}

async function expectStillServing(): Promise<void> {
  // An empty HelloRequest (google.protobuf.Empty) is zero bytes; the reply is Empty too.
  const { error, response } = await rawCall('/TaskHubSidecarService/Hello', Buffer.alloc(0));
  expect(error).toBeUndefined();
  expect(response).toEqual(Buffer.alloc(0));
}

it('answers an RPC the service does not have with UNIMPLEMENTED naming it, and keeps serving', async () => {
  const { error } = await rawCall('/TaskHubSidecarService/NoSuchRpc', Buffer.alloc(0));
  expect(error?.code).toBe(status.UNIMPLEMENTED);
  expect(error?.details).toContain('NoSuchRpc');
  await expectStillServing();
});

it('answers bytes that are not a protobuf message with an error status that says so, and keeps serving', async () => {
  // Field 1 as a length-delimited string whose length runs far past the end of the message.
  const { error } = await rawCall('/TaskHubSidecarService/StartInstance', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x41]));
  expect(error).toBeDefined();
  expect([status.INTERNAL, status.INVALID_ARGUMENT]).toContain(error!.code);
  expect(error!.details).toMatch(/deserializ|parse|invalid|protobuf/i);
  await expectStillServing();
});
