// Fan-out/fan-in in one process: one orchestration calls `width` activities at once and joins them, on
// durable-runtime (app in-process, memory backend, real durable-functions) next to @microsoft/durabletask-js's
// in-memory test backend doing the same. Prints JSON.
//   npm run build && node bench/fan-out.bench.js [width=1000] [rounds=3]
// BASELINE_DIST=/path/to/other/dist runs that build's durable-runtime too, side by side in the same run (e.g. main
// built in a `git worktree`), so a change is measured against what it replaces.
'use strict';
const path = require('node:path');
const { InMemoryOrchestrationBackend, TestOrchestrationClient, TestOrchestrationWorker } = require('@microsoft/durabletask-js/dist/testing');
const { whenAll } = require('@microsoft/durabletask-js');

// The durabletask-js test worker logs every event through console.info/debug: mute them (stdout stays one JSON object).
console.info = console.debug = () => {};

const WIDTH = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 3);
const EXPECTED = Array.from({ length: WIDTH }, (_, i) => i * i).reduce((a, b) => a + b, 0);
const APP_DIR = path.join(__dirname, 'apps/fan-out');

async function runDurableRuntime(dist) {
  const { createTestEnvironment } = require(path.join(dist, 'src/testing'));
  const env = await createTestEnvironment({ appDir: APP_DIR, timeSkipping: false });
  try {
    const started = process.hrtime.bigint();
    const id = await env.client.startNew('FanOut', { input: WIDTH });
    const status = await env.client.waitForCompletion(id, { timeoutMs: 600_000 });
    const elapsedNs = process.hrtime.bigint() - started;
    check(status.runtimeStatus, status.output);
    return { ...measure(elapsedNs), episodes: globalThis.__benchFanOut.episodes };
  } finally {
    await env.close();
  }
}

async function runDurableTaskJs() {
  const backend = new InMemoryOrchestrationBackend();
  const client = new TestOrchestrationClient(backend);
  const worker = new TestOrchestrationWorker(backend);
  worker.addNamedActivity('Square', (_ctx, n) => n * n);
  worker.addNamedOrchestrator('FanOut', async function* (ctx, width) {
    const squares = yield whenAll(Array.from({ length: width }, (_, i) => ctx.callActivity('Square', i)));
    return squares.reduce((sum, square) => sum + square, 0);
  });
  await worker.start();
  try {
    const started = process.hrtime.bigint();
    const id = await client.scheduleNewOrchestration('FanOut', WIDTH);
    const state = await client.waitForOrchestrationCompletion(id, true, 600);
    const elapsedNs = process.hrtime.bigint() - started;
    check(state && state.runtimeStatus === 1 ? 'Completed' : String(state && state.runtimeStatus), state && JSON.parse(state.serializedOutput));
    return measure(elapsedNs);
  } finally {
    await worker.stop();
    await client.stop();
  }
}

function check(status, output) {
  if (status !== 'Completed' || output !== EXPECTED) throw new Error(`FanOut(${WIDTH}) ended ${status} with ${JSON.stringify(output)}, expected Completed with ${EXPECTED}`);
}

function measure(elapsedNs) {
  const seconds = Number(elapsedNs) / 1e9;
  return { seconds: round(seconds), activitiesPerSecond: round(WIDTH / seconds) };
}

const round = (value) => Math.round(value * 1000) / 1000;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const subjects = { durableRuntime: () => runDurableRuntime(path.join(__dirname, '../dist')), durableTaskJsInMemory: runDurableTaskJs };
  if (process.env.BASELINE_DIST) subjects.baseline = () => runDurableRuntime(path.resolve(process.env.BASELINE_DIST));
  const runs = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  // Alternate the subjects in each round so machine noise hits all alike.
  for (let i = 0; i < ROUNDS; i++) for (const [name, run] of Object.entries(subjects)) runs[name].push(await run());
  const medians = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, median(r.map((x) => x.activitiesPerSecond))]));
  const result = {
    benchmark: `fan-out/fan-in of ${WIDTH} activities in one orchestration, one process, in-memory backends`,
    width: WIDTH,
    rounds: ROUNDS,
    node: process.version,
    ...Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, { median: { activitiesPerSecond: medians[name] }, runs: r }])),
    ratio: {
      durableRuntimeOverDurableTaskJs: round(medians.durableRuntime / medians.durableTaskJsInMemory),
      ...(process.env.BASELINE_DIST && { durableRuntimeOverBaseline: round(medians.durableRuntime / medians.baseline) }),
    },
  };
  if (process.env.BASELINE_DIST) result.baselineDist = path.resolve(process.env.BASELINE_DIST);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
