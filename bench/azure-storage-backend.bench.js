// HelloCities5 (an orchestration calling 5 activities in sequence) on the local task hub over the Azure Storage
// backend against Azurite, answered by the tests' scripted worker (test/support/hello-cities.ts). It measures the
// engine and the backend without the functions host or a JS orchestrator:
// completed orchestrations per second, start-to-completion latency, storage transactions per orchestration
// (counted by the SDK pipeline policy), per idle minute, and per minute that one message is held in work (the
// visibility renewals that keep a long-running work item's message hidden).
//   node bench/azure-storage-backend.bench.js
//   (env: ORCHESTRATIONS, CONCURRENCY, IDLE_WARMUP_S, IDLE_MEASURE_S, HELD_MEASURE_S)
// Runs the TypeScript sources directly; prints one JSON object.

require('../test/support/register-typescript.js');
const { randomUUID } = require('node:crypto');
const { AzureStorageBackend, StorageTransactionCounter, resolveStorageConnection, startAzurite } = require('../src/backends/azure-storage');
const { LocalTaskHub } = require('../src/taskhub/local');
const { CITIES, HELLO_CITIES, helloCitiesScripts } = require('../test/support/hello-cities');
const { ScriptedWorker } = require('../test/support/scripted-worker');

const ORCHESTRATIONS = Number(process.env.ORCHESTRATIONS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const IDLE_WARMUP_S = Number(process.env.IDLE_WARMUP_S ?? 60);
const IDLE_MEASURE_S = Number(process.env.IDLE_MEASURE_S ?? 60);
const HELD_MEASURE_S = Number(process.env.HELD_MEASURE_S ?? 60);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

async function main() {
  const azurite = await startAzurite({});
  const transactions = new StorageTransactionCounter();
  const backend = new AzureStorageBackend({
    connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }),
    hubName: `bench${randomUUID().slice(0, 8)}`,
    transactionCounter: transactions,
  });
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
  const begin = Date.now();
  const underLoad = await Promise.all([...Array(ORCHESTRATIONS)].map((_, i) => run(`hello-${i}`)));
  const elapsedS = (Date.now() - begin) / 1000;
  const busy = { total: transactions.total, byOperation: transactions.snapshot() };

  // One at a time: what a single request sees on a warm worker.
  const alone = [];
  for (let i = 0; i < 20; i++) alone.push(await run(`alone-${i}`));

  // Idle: polling backs off to maxQueuePollingInterval (30 s) within about a minute; then count a steady stretch.
  await sleep(IDLE_WARMUP_S * 1000);
  transactions.reset();
  await sleep(IDLE_MEASURE_S * 1000);
  const idle = { perMinute: (transactions.total * 60) / IDLE_MEASURE_S, byOperation: transactions.snapshot() };

  await worker.stop();

  // Held: one work item locked and not completed, as while a long activity or orchestrator step runs. Polling goes
  // on meanwhile (backing off again from the start message); what holding costs is the renewals (queue.update).
  await hub.startOrchestration({ name: HELLO_CITIES, instanceId: 'held' });
  await hub.nextWorkItem(new Set(['orchestrator']));
  transactions.reset();
  await sleep(HELD_MEASURE_S * 1000);
  const held = { renewalsPerMinute: ((transactions.snapshot()['queue.update'] ?? 0) * 60) / HELD_MEASURE_S, byOperation: transactions.snapshot() };
  await hub.stop(); // gives the held work item back
  await azurite.stop();
  console.log(
    JSON.stringify(
      {
        benchmark: 'HelloCities5 on the local task hub over AzureStorageBackend (Azurite in-memory, one scripted worker)',
        orchestrations: ORCHESTRATIONS,
        concurrency: CONCURRENCY,
        orchestrationsPerSecond: Number((ORCHESTRATIONS / elapsedS).toFixed(1)),
        latencyUnderLoadMs: { p50: percentile(underLoad, 50), p95: percentile(underLoad, 95) },
        latencyOneAtATimeMs: { p50: percentile(alone, 50), p95: percentile(alone, 95) },
        transactionsPerOrchestration: Number((busy.total / ORCHESTRATIONS).toFixed(1)),
        dtasEstimatePerOrchestration: 9 * CITIES.length + 9,
        transactionsByOperation: busy.byOperation,
        idleTransactionsPerMinute: Number(idle.perMinute.toFixed(1)),
        idleByOperation: idle.byOperation,
        heldMessageRenewalsPerMinute: Number(held.renewalsPerMinute.toFixed(1)),
        heldByOperation: held.byOperation,
      },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
