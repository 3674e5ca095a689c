// The conformance suite against the memory backend: with a ManualClock (how tests and createTestEnvironment
// use it), and with the system clock, which also exercises the suite's real-time paths.

import { ManualClock } from '../../src/core';
import { MemoryBackend } from '../../src/backends/memory';
import { describeBackendConformance } from './backend-conformance';

describeBackendConformance('memory (ManualClock)', async () => {
  const clock = new ManualClock();
  const backend = new MemoryBackend({ clock });
  await backend.start();
  return { backend, clock, cleanup: () => backend.stop(), capabilities: { immediateDelivery: true } };
});

describeBackendConformance('memory (system clock)', async () => {
  const backend = new MemoryBackend();
  await backend.start();
  // Nothing here polls in the background, so short real-time waits are enough.
  const realTime = { quietPeriodMs: 100, delayMs: 400 };
  return { backend, realTime, cleanup: () => backend.stop(), capabilities: { immediateDelivery: true } };
});
