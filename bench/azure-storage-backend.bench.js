// HelloCities5 (an orchestration calling 5 activities in sequence) on the local task hub over the Azure Storage
// backend against Azurite, answered by the tests' scripted worker (test/support/hello-cities.ts). It measures the
// engine and the backend without the functions host or a JS orchestrator:
// completed orchestrations per second, start-to-completion latency, storage transactions per orchestration by
// operation (counted by the SDK pipeline policy), per idle minute, and per minute that one message is held in work
// (the visibility renewals that keep a long-running work item's message hidden).
//
// With BASELINE_DIST=<a built checkout's dist> (e.g. main built in a second worktree) the same load runs first on
// that build's backend and task hub, in the same process against the same Azurite, and the output puts both side by
// side with the ratios; without it only the current sources are measured.
//   node bench/azure-storage-backend.bench.js
//   BASELINE_DIST=/tmp/base/dist node bench/azure-storage-backend.bench.js
//   (env: ORCHESTRATIONS, CONCURRENCY, ROUNDS, IDLE_WARMUP_S, IDLE_MEASURE_S, HELD_MEASURE_S)
// With ROUNDS > 1 the subjects alternate, baseline first, so machine load and Azurite's growing data hit both alike;
// each subject reports its median round by throughput (the idle and held figures come from the last round).
// Runs the TypeScript sources directly; prints one JSON object.

require('../test/support/register-typescript.js');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { startAzurite } = require('../src/backends/azure-storage');
const { CITIES, HELLO_CITIES, helloCitiesScripts } = require('../test/support/hello-cities');
const { ScriptedWorker } = require('../test/support/scripted-worker');

const ORCHESTRATIONS = Number(process.env.ORCHESTRATIONS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const IDLE_WARMUP_S = Number(process.env.IDLE_WARMUP_S ?? 60);
const IDLE_MEASURE_S = Number(process.env.IDLE_MEASURE_S ?? 60);
const HELD_MEASURE_S = Number(process.env.HELD_MEASURE_S ?? 60);
const BASELINE_DIST = process.env.BASELINE_DIST;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const round = (value) => Number(value.toFixed(1));

/** The backend and task hub modules of one subject: these sources, or a built checkout's dist. */
function subjectModules(dist) {
  if (!dist) return { ...require('../src/backends/azure-storage'), ...require('../src/taskhub/local') };
  return { ...require(path.join(dist, 'src/backends/azure-storage')), ...require(path.join(dist, 'src/taskhub/local')) };
}

/** Runs the load (and, with `idle`, the idle and held measurements) on one subject. */
async function measure(modules, azurite, { idle }) {
  const { AzureStorageBackend, StorageTransactionCounter, resolveStorageConnection, LocalTaskHub } = modules;
  const transactions = new StorageTransactionCounter();
  const backend = new AzureStorageBackend({
    connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }),
    hubName: `bench${randomUUID().slice(0, 8)}`,
    transactionCounter: transactions,
  });
  // The bench's own client polls the status (waitForCompletion: on each commit and every second); those reads are
  // what a client costs, not the orchestration, so they are counted apart.
  let statusReads = 0;
  const getInstance = backend.getInstance.bind(backend);
  backend.getInstance = (instanceId) => {
    statusReads++;
    return getInstance(instanceId);
  };
  const hub = new LocalTaskHub({ backend, name: 'bench' });
  await hub.start();
  const worker = new ScriptedWorker(hub, helloCitiesScripts(), ['orchestrator', 'activity'], CONCURRENCY).start();

  /** Starts one orchestration and resolves with its start-to-completion time in ms. */
  const run = async (instanceId) => {
    const begin = Date.now();
    await hub.startOrchestration({ name: HELLO_CITIES, instanceId });
    await hub.waitForCompletion(instanceId);
    return Date.now() - begin;
  };

  // Load: every orchestration started at once.
  transactions.reset();
  statusReads = 0;
  const loadAverage = os.loadavg()[0];
  const begin = Date.now();
  const underLoad = await Promise.all([...Array(ORCHESTRATIONS)].map((_, i) => run(`hello-${i}`)));
  const elapsedS = (Date.now() - begin) / 1000;
  const byOperation = transactions.snapshot();
  const orchestrationOps = { ...byOperation, 'table.pointRead': (byOperation['table.pointRead'] ?? 0) - statusReads };
  const perOrchestration = Object.fromEntries(Object.entries(orchestrationOps).map(([op, n]) => [op, round(n / ORCHESTRATIONS)]));
  const result = {
    loadAverage1m: round(loadAverage),
    orchestrationsPerSecond: round(ORCHESTRATIONS / elapsedS),
    latencyUnderLoadMs: { p50: percentile(underLoad, 50), p95: percentile(underLoad, 95) },
    transactionsPerOrchestration: round((transactions.total - statusReads) / ORCHESTRATIONS),
    transactionsPerOrchestrationByOperation: perOrchestration,
    clientStatusReadsPerOrchestration: round(statusReads / ORCHESTRATIONS),
  };

  // One at a time: what a single request sees on a warm worker.
  const alone = [];
  for (let i = 0; i < 20; i++) alone.push(await run(`alone-${i}`));
  result.latencyOneAtATimeMs = { p50: percentile(alone, 50), p95: percentile(alone, 95) };

  if (idle) {
    // Idle: polling backs off to maxQueuePollingInterval (30 s) within about a minute; then count a steady stretch.
    await sleep(IDLE_WARMUP_S * 1000);
    transactions.reset();
    await sleep(IDLE_MEASURE_S * 1000);
    result.idleTransactionsPerMinute = round((transactions.total * 60) / IDLE_MEASURE_S);
    result.idleByOperation = transactions.snapshot();
  }
  await worker.stop();

  if (idle) {
    // Held: one work item locked and not completed, as while a long activity or orchestrator step runs. Polling goes
    // on meanwhile (backing off again from the start message); what holding costs is the renewals (queue.update).
    await hub.startOrchestration({ name: HELLO_CITIES, instanceId: 'held' });
    await hub.nextWorkItem(new Set(['orchestrator']));
    transactions.reset();
    await sleep(HELD_MEASURE_S * 1000);
    result.heldMessageRenewalsPerMinute = round(((transactions.snapshot()['queue.update'] ?? 0) * 60) / HELD_MEASURE_S);
    result.heldByOperation = transactions.snapshot();
  }
  await hub.stop(); // gives a held work item back
  return result;
}

async function main() {
  const azurite = await startAzurite({});
  try {
    const subjects = { ...(BASELINE_DIST && { baseline: subjectModules(BASELINE_DIST) }), current: subjectModules() };
    const rounds = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
    for (let i = 0; i < ROUNDS; i++) {
      for (const [name, modules] of Object.entries(subjects)) {
        rounds[name].push(await measure(modules, azurite, { idle: name === 'current' && i === ROUNDS - 1 }));
      }
    }
    const [baseline, current] = [rounds.baseline, rounds.current].map((results) => results && summary(results));
    const output = {
      benchmark: 'HelloCities5 on the local task hub over AzureStorageBackend (Azurite in-memory, one scripted worker)',
      orchestrations: ORCHESTRATIONS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      dtasEstimatePerOrchestration: 9 * CITIES.length + 9,
      current,
    };
    if (baseline) {
      output.baseline = { dist: BASELINE_DIST, note: 'the same load on the backend and local task hub of the build in BASELINE_DIST, alternating with the current build (baseline first) in this run', ...baseline };
      output.ratios = {
        orchestrationsPerSecond: Number((current.orchestrationsPerSecond / baseline.orchestrationsPerSecond).toFixed(2)),
        transactionsPerOrchestration: Number((current.transactionsPerOrchestration / baseline.transactionsPerOrchestration).toFixed(2)),
      };
    }
    console.log(JSON.stringify(output, null, 2));
  } finally {
    await azurite.stop();
  }
}

/** A subject's median round by throughput, with every round's throughput and the last round's idle and held figures. */
function summary(results) {
  const byThroughput = [...results].sort((a, b) => a.orchestrationsPerSecond - b.orchestrationsPerSecond);
  const median = byThroughput[Math.floor(byThroughput.length / 2)];
  const last = results[results.length - 1];
  const idleAndHeld = Object.fromEntries(Object.entries(last).filter(([key]) => key.startsWith('idle') || key.startsWith('held')));
  return { ...median, ...idleAndHeld, orchestrationsPerSecondByRound: results.map((r) => r.orchestrationsPerSecond) };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
