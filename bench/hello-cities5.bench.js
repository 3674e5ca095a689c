// HelloCities5 throughput in one process: durable-runtime (app in-process, memory backend, real durable-functions)
// next to @microsoft/durabletask-js's in-memory test backend running the same orchestration. Prints JSON.
//   npm run build && node bench/hello-cities5.bench.js [orchestrations=1000] [rounds=3]
// BASELINE_DIST=/path/to/other/dist runs that build's durable-runtime too, side by side in the same run (e.g. main
// built in a `git worktree`), so a change is measured against what it replaces.
'use strict';
const path = require('node:path');
const { EXPECTED_OUTPUT, startInMemoryHelloCities5 } = require('./durabletask-js-hello-cities5');

const COUNT = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 3);
const WORK_ITEMS_PER_ORCHESTRATION = 6 + 5; // 6 orchestrator episodes + 5 activities

const OURS = path.join(__dirname, '../dist');

async function runDurableRuntime(dist) {
  const { createTestEnvironment } = require(path.join(dist, 'src/testing'));
  const env = await createTestEnvironment({ appDir: path.join(__dirname, 'apps/hello-cities5'), timeSkipping: false });
  try {
    const started = process.hrtime.bigint();
    const ids = await Promise.all(Array.from({ length: COUNT }, () => env.client.startNew('HelloCities5')));
    const results = await Promise.all(ids.map((id) => env.client.waitForCompletion(id, { timeoutMs: 600_000 })));
    const elapsedNs = process.hrtime.bigint() - started;
    assertAllCompleted(results.map((r) => [r.runtimeStatus, r.output]));
    return measure(elapsedNs, {});
  } finally {
    await env.close();
  }
}

/**
 * Where the time of one orchestration goes, one at a time (with many in flight, the spans of concurrent invocations
 * overlap and would count twice):
 * - `replayShare`: inside durable-functions' orchestrator handler (its replay), hook to hook: issue 18's target 1.
 * - `invocationShare`: inside the app's 11 invocations (FunctionApp.invokeRpc: the `@azure/functions` programming
 *   model, our host glue and the handlers). The rest is the engine, the backend and the test client.
 * - `replayCeiling`: the replay's share of the invocations alone, i.e. the replay share this runtime would reach if
 *   everything outside the invocations cost nothing while apps still run through the real programming model.
 */
async function replayShareOneAtATime(dist, count = 500) {
  const { createTestEnvironment } = require(path.join(dist, 'src/testing'));
  const env = await createTestEnvironment({ appDir: path.join(__dirname, 'apps/hello-cities5'), timeSkipping: false });
  try {
    const invokeRpc = env.app.invokeRpc.bind(env.app);
    let invocationNs = 0n;
    env.app.invokeRpc = async (...args) => {
      const started = process.hrtime.bigint();
      try {
        return await invokeRpc(...args);
      } finally {
        invocationNs += process.hrtime.bigint() - started;
      }
    };
    const handlers = globalThis.__benchReplay;
    Object.assign(handlers, { ns: 0n, episodes: 0, activityNs: 0n });
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await env.client.waitForCompletion(await env.client.startNew('HelloCities5'));
    const elapsed = Number(process.hrtime.bigint() - started);
    const [replay, invocations, activities] = [handlers.ns, invocationNs, handlers.activityNs].map(Number);
    return {
      orchestrations: count,
      episodes: handlers.episodes,
      msPerOrchestration: round(elapsed / 1e6 / count),
      replayShare: round(replay / elapsed),
      invocationShare: round(invocations / elapsed),
      invocationPipelineMsPerOrchestration: round((invocations - replay - activities) / 1e6 / count),
      replayCeiling: round(replay / invocations),
    };
  } finally {
    await env.close();
  }
}

/**
 * The programming model's floor: the activity invoked straight through FunctionApp.invoke (no engine, no backend, no
 * client), so what is measured is the `@azure/functions` invocation model, our host glue and a handler that returns
 * a string. Eleven of these are what any HelloCities5 pays around its replay.
 */
async function invocationFloor(dist, count = 5000) {
  const { createTestEnvironment } = require(path.join(dist, 'src/testing'));
  const env = await createTestEnvironment({ appDir: path.join(__dirname, 'apps/hello-cities5'), timeSkipping: false });
  try {
    for (let i = 0; i < 1000; i++) await env.app.invoke('SayHello', { triggerValue: 'Tokyo' });
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await env.app.invoke('SayHello', { triggerValue: 'Tokyo' });
    const usPerInvocation = Number(process.hrtime.bigint() - started) / 1e3 / count;
    return { invocations: count, usPerInvocation: round(usPerInvocation), msPer11: round((usPerInvocation * WORK_ITEMS_PER_ORCHESTRATION) / 1000) };
  } finally {
    await env.close();
  }
}

async function runDurableTaskJs() {
  const { client, stop } = await startInMemoryHelloCities5();
  try {
    const started = process.hrtime.bigint();
    const ids = await Promise.all(Array.from({ length: COUNT }, () => client.scheduleNewOrchestration('HelloCities5')));
    const states = await Promise.all(ids.map((id) => client.waitForOrchestrationCompletion(id, true, 600)));
    const elapsedNs = process.hrtime.bigint() - started;
    assertAllCompleted(states.map((s) => [s && s.runtimeStatus === 1 ? 'Completed' : String(s && s.runtimeStatus), s && JSON.parse(s.serializedOutput)]));
    return measure(elapsedNs, {});
  } finally {
    await stop();
  }
}

function assertAllCompleted(rows) {
  const bad = rows.filter(([status, output]) => status !== 'Completed' || JSON.stringify(output) !== EXPECTED_OUTPUT);
  if (bad.length) throw new Error(`${bad.length} orchestrations did not complete correctly, e.g. ${JSON.stringify(bad[0])}`);
}

function measure(elapsedNs, extra) {
  const seconds = Number(elapsedNs) / 1e9;
  return {
    seconds: round(seconds),
    orchestrationsPerSecond: round(COUNT / seconds),
    workItemsPerSecond: round((COUNT * WORK_ITEMS_PER_ORCHESTRATION) / seconds),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
  };
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const baselineDist = process.env.BASELINE_DIST && path.resolve(process.env.BASELINE_DIST);
  const subjects = { durableRuntime: () => runDurableRuntime(OURS), durableTaskJsInMemory: runDurableTaskJs };
  if (baselineDist) subjects.baseline = () => runDurableRuntime(baselineDist);
  const runs = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  // One uncounted round first: the first round of each subject is always its slowest (JIT warm-up).
  for (const run of Object.values(subjects)) await run();
  // Alternate the subjects in each round so machine noise hits all alike.
  for (let i = 0; i < ROUNDS; i++) for (const [name, run] of Object.entries(subjects)) runs[name].push(await run());
  const oneAtATime = { durableRuntime: await replayShareOneAtATime(OURS), ...(baselineDist && { baseline: await replayShareOneAtATime(baselineDist) }) };
  const floor = await invocationFloor(OURS);
  const ops = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, median(r.map((x) => x.orchestrationsPerSecond))]));
  const summary = (name) => ({
    median: { orchestrationsPerSecond: ops[name], workItemsPerSecond: median(runs[name].map((r) => r.workItemsPerSecond)) },
    runs: runs[name],
    ...(oneAtATime[name] && { oneAtATime: oneAtATime[name] }),
    ...(name === 'durableRuntime' && { invocationFloor: floor }),
  });
  console.log(JSON.stringify({
    benchmark: 'HelloCities5 (5 sequential activities), one process, in-memory backends',
    orchestrations: COUNT,
    rounds: ROUNDS,
    warmUpRounds: 1,
    node: process.version,
    durableRuntime: summary('durableRuntime'),
    durableTaskJsInMemory: summary('durableTaskJsInMemory'),
    ...(baselineDist && { baseline: { dist: baselineDist, ...summary('baseline') } }),
    ratio: {
      durableRuntimeOverDurableTaskJs: round(ops.durableRuntime / ops.durableTaskJsInMemory),
      ...(baselineDist && {
        baselineOverDurableTaskJs: round(ops.baseline / ops.durableTaskJsInMemory),
        durableRuntimeOverBaseline: round(ops.durableRuntime / ops.baseline),
      }),
    },
  }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
