// HelloCities5 through `durable-runtime emulator` (memory backend, its own process) with the durabletask-js SDK
// worker and client over gRPC, next to the same work on the in-process memory backend (durable-runtime's test
// environment running the sample app) and on durabletask-js's own in-memory test backend. One at a time, the
// difference to the SDK's in-memory backend is the emulator's added latency per work item (gRPC + engine + hops).
//   npm run build && node bench/emulator-hello-cities5.bench.js [orchestrations=200] [rounds=3]
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { Metadata } = require('@grpc/grpc-js');
const { NoOpLogger, TaskHubGrpcClient, TaskHubGrpcWorker } = require('@microsoft/durabletask-js');
const { createTestEnvironment } = require('../dist/src/testing');
const { EXPECTED_OUTPUT, registerHelloCities5, startInMemoryHelloCities5 } = require('./durabletask-js-hello-cities5');

const COUNT = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);
const ONE_AT_A_TIME = 50;
const WORK_ITEMS_PER_ORCHESTRATION = 6 + 5; // 6 orchestrator episodes + 5 activities

async function startEmulator() {
  const child = spawn(process.execPath, [path.join(__dirname, '../dist/src/cli/main.js'), 'emulator', '--port', '0', '--dashboard-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const match = /listening on localhost:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`The emulator exited with ${code}: ${output}`)));
  });
  child.stdout.resume();
  return { address: `localhost:${port}`, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT'))) };
}

function sdkOptions(address) {
  return { hostAddress: address, logger: new NoOpLogger(), metadataGenerator: async () => new Metadata() };
}

/** Runs `count` orchestrations through a client (all at once or one at a time); returns elapsed ns. */
async function drive(start, wait, count, oneAtATime) {
  const started = process.hrtime.bigint();
  if (oneAtATime) {
    for (let i = 0; i < count; i++) check([await wait(await start())]);
  } else {
    const ids = await Promise.all(Array.from({ length: count }, () => start()));
    check(await Promise.all(ids.map(wait)));
  }
  return process.hrtime.bigint() - started;
}

function check(outputs) {
  const bad = outputs.filter((output) => JSON.stringify(output) !== EXPECTED_OUTPUT);
  if (bad.length) throw new Error(`${bad.length} orchestrations did not complete correctly, e.g. ${JSON.stringify(bad[0])}`);
}

async function viaEmulator(emulator, count, oneAtATime) {
  const worker = new TaskHubGrpcWorker({ ...sdkOptions(emulator.address), shutdownTimeoutMs: 5000 });
  registerHelloCities5(worker);
  const client = new TaskHubGrpcClient(sdkOptions(emulator.address));
  await worker.start();
  try {
    return await drive(
      () => client.scheduleNewOrchestration('HelloCities5'),
      async (id) => JSON.parse((await client.waitForOrchestrationCompletion(id, true, 600)).serializedOutput),
      count,
      oneAtATime,
    );
  } finally {
    await worker.stop();
    await client.stop();
  }
}

async function viaDurableTaskJsInMemory(count, oneAtATime) {
  const { client, stop } = await startInMemoryHelloCities5();
  try {
    return await drive(
      () => client.scheduleNewOrchestration('HelloCities5'),
      async (id) => JSON.parse((await client.waitForOrchestrationCompletion(id, true, 600)).serializedOutput),
      count,
      oneAtATime,
    );
  } finally {
    await stop();
  }
}

async function viaDurableRuntimeInProcess(count, oneAtATime) {
  const env = await createTestEnvironment({ appDir: path.join(__dirname, 'apps/hello-cities5'), timeSkipping: false });
  try {
    return await drive(
      () => env.client.startNew('HelloCities5'),
      async (id) => (await env.client.waitForCompletion(id, { timeoutMs: 600_000 })).output,
      count,
      oneAtATime,
    );
  } finally {
    await env.close();
  }
}

const round = (value) => Math.round(value * 1000) / 1000;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perSecond = (ns) => round(COUNT / (Number(ns) / 1e9));
const msPerOrchestration = (ns) => round(Number(ns) / 1e6 / ONE_AT_A_TIME);

async function main() {
  const emulator = await startEmulator();
  const runs = { emulator: [], durableRuntimeInProcess: [], durableTaskJsInMemory: [] };
  try {
    await viaEmulator(emulator, 20, false); // warm-up: connections, JIT
    // Alternate the subjects in each round so machine noise hits all alike.
    for (let r = 0; r < ROUNDS; r++) {
      runs.emulator.push(perSecond(await viaEmulator(emulator, COUNT, false)));
      runs.durableRuntimeInProcess.push(perSecond(await viaDurableRuntimeInProcess(COUNT, false)));
      runs.durableTaskJsInMemory.push(perSecond(await viaDurableTaskJsInMemory(COUNT, false)));
    }
    const sequential = {
      emulator: msPerOrchestration(await viaEmulator(emulator, ONE_AT_A_TIME, true)),
      durableRuntimeInProcess: msPerOrchestration(await viaDurableRuntimeInProcess(ONE_AT_A_TIME, true)),
      durableTaskJsInMemory: msPerOrchestration(await viaDurableTaskJsInMemory(ONE_AT_A_TIME, true)),
    };
    const medians = Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, median(values)]));
    console.log(
      JSON.stringify(
        {
          benchmark: 'HelloCities5 (5 sequential activities): durable-runtime emulator over gRPC (durabletask-js SDK worker) vs in-process memory backends',
          orchestrations: COUNT,
          rounds: ROUNDS,
          node: process.version,
          orchestrationsPerSecond: { median: medians, runs },
          workItemsPerSecond: Object.fromEntries(Object.entries(medians).map(([name, ops]) => [name, round(ops * WORK_ITEMS_PER_ORCHESTRATION)])),
          oneAtATime: { orchestrations: ONE_AT_A_TIME, msPerOrchestration: sequential },
          emulatorAddedLatencyMsPerWorkItem: {
            overDurableTaskJsInMemory: round((sequential.emulator - sequential.durableTaskJsInMemory) / WORK_ITEMS_PER_ORCHESTRATION),
            overDurableRuntimeInProcess: round((sequential.emulator - sequential.durableRuntimeInProcess) / WORK_ITEMS_PER_ORCHESTRATION),
          },
          ratio: {
            emulatorOverDurableRuntimeInProcess: round(medians.emulator / medians.durableRuntimeInProcess),
            emulatorOverDurableTaskJsInMemory: round(medians.emulator / medians.durableTaskJsInMemory),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await emulator.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
