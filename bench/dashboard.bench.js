// The dashboard's data API on hubs of 1,000 and 100,000 instances, memory and Azure Storage (Azurite) in one run:
// median response times (ms, over HTTP from the dashboard's own server) of the first list page (50, newest first),
// the next page, a filtered page (name + status), a custom-status text search, the counts per status, and an
// instance's detail (record, history, timeline, tree).
//   node bench/dashboard.bench.js     (env: SIZES=1000,100000  AZURE_SIZES=<SIZES>  BACKENDS=memory,AzureStorage  RUNS=5)
// Instances are seeded straight into storage (memory: createInstance; Azure Storage: Instances rows written in
// the DT.AS layout, 64 at a time), with no worker running. Prints one JSON object.

require('../test/support/register-typescript.js');
const { randomUUID } = require('node:crypto');
const { TableClient } = require('@azure/data-tables');
const { MemoryBackend } = require('../src/backends/memory');
const { AzureStorageBackend, resolveStorageConnection, startAzurite } = require('../src/backends/azure-storage');
const { instanceRecordToRow } = require('../src/backends/azure-storage/instance-table-rows');
const { LocalTaskHub } = require('../src/taskhub/local');
const { listenDashboard } = require('../src/dashboard');
const { startMessage } = require('../test/conformance/durable-fixtures');

const SIZES = (process.env.SIZES ?? '1000,100000').split(',').map(Number);
/** Seeding Azurite writes one row per request (each instance is its own partition): smaller hubs when time is short. */
const AZURE_SIZES = (process.env.AZURE_SIZES ?? SIZES.join(',')).split(',').map(Number);
const sizesOf = (kind) => (kind === 'AzureStorage' ? AZURE_SIZES : SIZES);
const BACKENDS = (process.env.BACKENDS ?? 'memory,AzureStorage').split(',');
const RUNS = Number(process.env.RUNS ?? 5);
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

async function seedAzure(connectionString, backend, hubName, size) {
  const table = TableClient.fromConnectionString(connectionString, backend.resources.instancesTable, { allowInsecureConnection: true });
  let next = 0;
  const writer = async () => {
    for (let i = next++; i < size; i = next++) {
      await table.createEntity(instanceRecordToRow(recordOf(i), hubName, 0, 0));
      if ((i + 1) % 10_000 === 0) process.stderr.write(`  ${i + 1} rows written\n`);
    }
  };
  await Promise.all(Array.from({ length: 64 }, writer));
}

async function median(fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const begin = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - begin) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}

async function measure(url, size) {
  const get = async (path) => {
    const response = await fetch(`${url}api/v1/${path}`);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const first = await get('orchestrations?pageSize=50');
  const detailId = `inst-${String(Math.floor(size / 2)).padStart(6, '0')}`;
  return {
    listFirstPage: await median(() => get('orchestrations?pageSize=50')),
    listNextPage: await median(() => get(`orchestrations?pageSize=50&continuationToken=${encodeURIComponent(first.continuationToken)}`)),
    listByNameAndStatus: await median(() => get('orchestrations?pageSize=50&name=ClaimApproval&status=Failed')),
    listCustomStatusText: await median(() => get('orchestrations?pageSize=50&customStatus=needle')),
    counts: await median(() => get('counts')),
    detail: await median(() => get(`orchestrations/${detailId}`)),
  };
}

async function benchOne(kind, size, azurite) {
  const hubName = `dash${randomUUID().slice(0, 8)}`;
  const backend =
    kind === 'memory'
      ? new MemoryBackend()
      : new AzureStorageBackend({ connection: resolveStorageConnection({ AzureWebJobsStorage: azurite.connectionString }), hubName });
  const hub = new LocalTaskHub({ backend, name: hubName });
  await backend.start();
  const seedBegin = Date.now();
  if (kind === 'memory') await seedMemory(backend, size);
  else await seedAzure(azurite.connectionString, backend, hubName, size);
  const seedSeconds = (Date.now() - seedBegin) / 1000;
  const dashboard = await listenDashboard({ taskHub: hub, backend: kind });
  try {
    const counts = await (await fetch(`${dashboard.url}api/v1/counts`)).json();
    if (counts.total !== size) throw new Error(`seeded ${size} but the hub counts ${counts.total}`);
    return { seedSeconds, ms: await measure(dashboard.url, size) };
  } finally {
    await dashboard.close();
    if (kind === 'AzureStorage') await backend.deleteTaskHub();
    await backend.stop();
  }
}

async function main() {
  const azurite = BACKENDS.includes('AzureStorage') ? await startAzurite({}) : undefined;
  const results = {};
  try {
    for (const kind of BACKENDS) {
      for (const size of sizesOf(kind)) {
        process.stderr.write(`dashboard bench: ${kind}, ${size} instances...\n`);
        results[`${kind}/${size}`] = await benchOne(kind, size, azurite);
        process.stderr.write(`  ${JSON.stringify(results[`${kind}/${size}`])}\n`);
      }
    }
  } finally {
    await azurite?.stop();
  }
  // How each request's time grows from the smallest hub to the largest, per backend.
  const growth = Object.fromEntries(
    BACKENDS.map((kind) => {
      const sizes = sizesOf(kind);
      const [small, large] = [sizes[0], sizes[sizes.length - 1]].map((size) => results[`${kind}/${size}`].ms);
      const ratios = Object.fromEntries(Object.keys(small).map((key) => [key, Math.round((large[key] / small[key]) * 10) / 10]));
      return [`${kind} ${sizes[0]} -> ${sizes[sizes.length - 1]}`, ratios];
    }),
  );
  // Azure Storage against memory on the same hub size.
  const shared = AZURE_SIZES.filter((size) => SIZES.includes(size));
  const azureOverMemory = Object.fromEntries(
    shared.map((size) => {
      const [memory, azure] = [results[`memory/${size}`]?.ms, results[`AzureStorage/${size}`]?.ms];
      return [size, memory && azure ? Object.fromEntries(Object.keys(memory).map((key) => [key, Math.round((azure[key] / memory[key]) * 10) / 10])) : undefined];
    }),
  );
  console.log(JSON.stringify({ runs: RUNS, results, growth, azureOverMemory }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
