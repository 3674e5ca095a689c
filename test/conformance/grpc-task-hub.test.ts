// The task-hub conformance suite against the gRPC task hub (the azureManaged provider) over one `durable-runtime
// emulator` child process for this file (memory backend, real time), each test on a task hub of its own, which the
// emulator creates on demand. The work-item lock lives in the emulator, out of the client's reach: no loseLock.

import type { TaskHub } from '../../src/taskhub';
import { GrpcTaskHub, parseSchedulerConnectionString } from '../../src/taskhub/grpc';
import { schedulerConnectionString, startEmulator, type EmulatorProcess } from '../support/emulator-process';
import { describeTaskHubConformance } from './task-hub-conformance';

let emulator: EmulatorProcess | undefined;
let hubCount = 0;

afterAll(async () => {
  await emulator?.stop();
});

describeTaskHubConformance(
  'gRPC over the emulator',
  async () => {
    emulator ??= await startEmulator();
    const connection = parseSchedulerConnectionString(schedulerConnectionString(emulator), 'TEST_CONNECTION');
    const taskHub = `conformance${++hubCount}`;
    const hubs: TaskHub[] = [];
    const open = async () => {
      const hub = new GrpcTaskHub({ connection, taskHub, settingName: 'TEST_CONNECTION', connectTimeoutMs: 10_000 });
      hubs.push(hub);
      await hub.start();
      return hub;
    };
    return {
      hub: await open(),
      realTime: { delayMs: 2000 },
      reopen: open,
      cleanup: async () => void (await Promise.all(hubs.map((hub) => hub.stop()))),
    };
  },
  { loseLock: false },
);
