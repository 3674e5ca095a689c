// specs/backends.md B4 step 7: the server sends healthPing work items on idle streams so SDK watchdogs never fire.
// The emulator in-process with a short ping interval (the command uses HEALTH_PING_INTERVAL_MS, 15 s).

import { credentials, Metadata } from '@grpc/grpc-js';
import { silentLogger } from '../../../src/core';
import { MemoryBackend } from '../../../src/backends/memory';
import { HEALTH_PING_INTERVAL_MS, SchedulerEmulator } from '../../../src/emulator';
import { pb, TaskHubSidecarServiceClient } from '../../../src/scheduler-protocol';
import { LocalTaskHub } from '../../../src/taskhub/local';

test('an idle work-item stream gets health pings, well under the 60 s SDK watchdogs', async () => {
  expect(HEALTH_PING_INTERVAL_MS).toBeLessThanOrEqual(30_000);
  const emulator = new SchedulerEmulator({
    logger: silentLogger,
    pingIntervalMs: 20,
    openTaskHub: async (name) => {
      const hub = new LocalTaskHub({ backend: new MemoryBackend(), name });
      await hub.start();
      return hub;
    },
  });
  const port = await emulator.listen(0);
  const client = new TaskHubSidecarServiceClient(`localhost:${port}`, credentials.createInsecure());
  try {
    const stream = client.getWorkItems(new pb.GetWorkItemsRequest(), new Metadata());
    stream.on('error', () => undefined);
    const pings = await new Promise<number>((resolve) => {
      let count = 0;
      stream.on('data', (item: pb.WorkItem) => item.hasHealthping() && ++count === 3 && resolve(count));
    });
    expect(pings).toBe(3);
    stream.cancel();
  } finally {
    client.close();
    await emulator.stop();
  }
});
