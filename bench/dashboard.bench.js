// The dashboard's data API on hubs of 1,000 and 100,000 instances, memory and Azure Storage (Azurite) in one run:
// median response times (ms, over HTTP from the dashboard's own server) of the first list page (50, newest first),
// the next page, a filtered page (name + status), a custom-status text search, the counts per status, and an
// instance's detail (record, history, timeline, tree); plus `firstRequest`, the first page of a fresh backend (on
// Azure Storage that builds the Instances index with one scan).
//   node bench/dashboard.bench.js
//   env: SIZES=1000,100000 (memory)  AZURE_SIZES=1000,100000  BACKENDS=memory,AzureStorage  RUNS=5
//        BASELINE_DIST=/tmp/main/dist  BASELINE_RUNS=1   (the Azure Storage backend of another build, on the same hub)
// The default sizes are small, for `npm run bench`. Memory instances are seeded with createInstance; Azure Storage
// rows are written in the DT.AS layout straight into a stopped Azurite's database (azurite-table-seed.js), then
// Azurite is started on it and read through the Table API. No worker runs. Prints one JSON object.

require('../test/support/register-typescript.js');
const { randomUUID } = require('node:crypto');
const { MemoryBackend } = require('../src/backends/memory');
const { AzureStorageBackend, resolveStorageConnection, startAzurite } = require('../src/backends/azure-storage');
const { instanceRecordToRow } = require('../src/backends/azure-storage/instance-table-rows');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { seedTableRows } = require('./azurite-table-seed');
const { LocalTaskHub } = require('../src/taskhub/local');
const { listenDashboard } = require('../src/dashboard');
const { startMessage } = require('../test/conformance/durable-fixtures');

const SIZES = (process.env.SIZES ?? '1000,10000').split(',').map(Number);
const AZURE_SIZES = (process.env.AZURE_SIZES ?? SIZES.join(',')).split(',').map(Number);
const sizesOf = (kind) => (kind === 'AzureStorage' ? AZURE_SIZES : SIZES);
const BACKENDS = (process.env.BACKENDS ?? 'memory,AzureStorage').split(',');
const RUNS = Number(process.env.RUNS ?? 5);
const BASELINE_DIST = process.env.BASELINE_DIST;
const BASELINE_RUNS = Number(process.env.BASELINE_RUNS ?? 1);
const NAMES = ['DataSyncOrchestrator', 'PollingService', 'SyncFollowUp', 'ClaimApproval', 'HelloCities'];
const STATUSES = ['Completed', 'Completed', 'Completed', 'Running', 'Failed', 'Terminated', 'Pending', 'Suspended'];
const T0 = Date.UTC(2026, 0, 1);

/** The i-th seeded instance: names and statuses cycle, one per second of creation time. */
function recordOf(i) {
  const status = STATUSES[i % STATUSES.length];
  const created = new Date(T0 + i * 1000).toISOString();
  return {
    instanceId: `inst-${String(i).padStart(6, '0')}`,
    name: NAMES[i % NAMES.length],
    executionId: randomUUID().replace(/-/g, ''),
    status,
    createdAt: created,
    lastUpdatedAt: created,
    input: JSON.stringify({ database: 'customers', cycle: i }),
    customStatus: JSON.stringify({ stage: i % 97 === 0 ? 'needle' : 'done' }),
    ...(status === 'Failed' ? { failureDetails: { errorType: 'Error', errorMessage: `Step ${i} failed` } } : {}),
  };
}

async function seedMemory(backend, size) {
  for (let i = 0; i < size; i++) {
    const record = recordOf(i);
    await backend.createInstance(record, startMessage(record), { replaceableStatuses: [] });
  }
}

async function median(fn, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const begin = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - begin) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}

/** Times the requests against a dashboard over `hub`; the first one on a fresh backend is timed on its own. */
async function measure(hub, kind, size, runs) {
  const dashboard = await listenDashboard({ taskHub: hub, backend: kind });
  const get = async (path) => {
    const response = await fetch(`${dashboard.url}api/v1/${path}`);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    const begin = process.hrtime.bigint();
    const first = await get('orchestrations?pageSize=50');
    const firstRequest = Math.round(Number(process.hrtime.bigint() - begin) / 1e5) / 10;
    // What was seeded reads back: the newest instance first, every instance counted, a record in full.
    const newest = `inst-${String(size - 1).padStart(6, '0')}`;
    if (first.items?.[0]?.instanceId !== newest) throw new Error(`the first page starts with ${JSON.stringify(first.items?.[0])}, not ${newest}`);
    const counts = await get('counts');
    if (counts.total !== size) throw new Error(`seeded ${size} but the hub counts ${counts.total}`);
    const detailId = `inst-${String(Math.floor(size / 2)).padStart(6, '0')}`;
    const detail = await get(`orchestrations/${detailId}`);
    if (!JSON.stringify(detail).includes(`"cycle\\":${Math.floor(size / 2)}`)) throw new Error(`the detail of ${detailId} lacks its input: ${JSON.stringify(detail).slice(0, 300)}`);
    const ms = (fn) => median(fn, runs);
    return {
      firstRequest,
      listFirstPage: await ms(() => get('orchestrations?pageSize=50')),
      listNextPage: await ms(() => get(`orchestrations?pageSize=50&continuationToken=${encodeURIComponent(first.continuationToken)}`)),
      listByNameAndStatus: await ms(() => get('orchestrations?pageSize=50&name=ClaimApproval&status=Failed')),
      listCustomStatusText: await ms(() => get('orchestrations?pageSize=50&customStatus=needle')),
      counts: await ms(() => get('counts')),
      detail: await ms(() => get(`orchestrations/${detailId}`)),
    };
  } finally {
    await dashboard.close();
  }
}

async function benchMemory(size) {
  const backend = new MemoryBackend();
  await backend.start();
  const begin = Date.now();
  await seedMemory(backend, size);
  const seedSeconds = (Date.now() - begin) / 1000;
  try {
    return { memory: { seedSeconds, ms: await measure(new LocalTaskHub({ backend, name: 'bench' }), 'memory', size, RUNS) } };
  } finally {
    await backend.stop();
  }
}

/**
 * One hub of `size` instances in an Azurite of its own, measured through this build's backend and, with
 * BASELINE_DIST, through that build's, each a fresh backend (so each builds what it builds on first use).
 */
async function benchAzure(size) {
  const location = mkdtempSync(path.join(tmpdir(), 'dashboard-bench-azurite-'));
  const hubName = `dash${randomUUID().slice(0, 8)}`;
  const backendOn = (Backend, azurite) =>
    new Backend({ connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }), hubName });
  let azurite = await startAzurite({ location });
  try {
    const setup = backendOn(AzureStorageBackend, azurite);
    await setup.start(); // creates the tables
    await setup.stop();
    await azurite.stop();
    const begin = Date.now();
    const rows = Array.from({ length: size }, (_, i) => instanceRecordToRow(recordOf(i), hubName, 0, 0));
    // Stamped an hour ago, like the rows of a hub in use: rows changed in the last seconds are read again by every
    // index refresh for a while (instance-index.ts REFRESH_OVERLAP_MS), which is not what a steady hub costs.
    await seedTableRows({ location, table: setup.resources.instancesTable, rows, writtenAt: new Date(Date.now() - 3600_000) });
    const seedSeconds = (Date.now() - begin) / 1000;
    azurite = await startAzurite({ location });
    const subjects = [['AzureStorage', AzureStorageBackend, RUNS]];
    if (BASELINE_DIST) subjects.push(['AzureStorage-baseline', require(path.resolve(BASELINE_DIST, 'src/backends/azure-storage')).AzureStorageBackend, BASELINE_RUNS]);
    const results = {};
    for (const [label, Backend, runs] of subjects) {
      process.stderr.write(`  ${label}...\n`);
      const backend = backendOn(Backend, azurite);
      results[label] = { seedSeconds, ms: await measure(new LocalTaskHub({ backend, name: hubName }), 'AzureStorage', size, runs) };
      process.stderr.write(`  ${JSON.stringify(results[label])}\n`);
    }
    return results;
  } finally {
    await azurite.stop();
    rmSync(location, { recursive: true, force: true });
  }
}

async function main() {
  const results = {};
  for (const kind of BACKENDS) {
    for (const size of sizesOf(kind)) {
      process.stderr.write(`dashboard bench: ${kind}, ${size} instances...\n`);
      const measured = kind === 'memory' ? await benchMemory(size) : await benchAzure(size);
      for (const [subject, result] of Object.entries(measured)) results[`${subject}/${size}`] = result;
    }
  }
  const ratios = (over, under) => Object.fromEntries(Object.keys(under).map((key) => [key, Math.round((over[key] / under[key]) * 10) / 10]));
  const subjects = [...new Set(Object.keys(results).map((key) => key.split('/')[0]))];
  // How each request's time grows from the smallest hub to the largest, per subject.
  const growth = Object.fromEntries(
    subjects.map((subject) => {
      const sizes = Object.keys(results).filter((key) => key.startsWith(`${subject}/`)).map((key) => Number(key.split('/')[1]));
      const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
      return [`${subject} ${small} -> ${large}`, ratios(results[`${subject}/${large}`].ms, results[`${subject}/${small}`].ms)];
    }),
  );
  // Azure Storage against memory, and the baseline build against this one, on the same hub size.
  const versus = {};
  for (const size of AZURE_SIZES) {
    const [memory, azure, baseline] = ['memory', 'AzureStorage', 'AzureStorage-baseline'].map((subject) => results[`${subject}/${size}`]?.ms);
    if (memory && azure) versus[`AzureStorage over memory, ${size}`] = ratios(azure, memory);
    if (baseline && azure) versus[`baseline over AzureStorage, ${size}`] = ratios(baseline, azure);
  }
  console.log(JSON.stringify({ runs: RUNS, baselineRuns: BASELINE_DIST ? BASELINE_RUNS : undefined, results, growth, versus }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
