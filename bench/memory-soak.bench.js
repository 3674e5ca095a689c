// Memory of HelloCities5 in one process: durable-runtime (app in-process through createTestEnvironment, memory
// backend, real durable-functions) next to @microsoft/durabletask-js's in-memory test backend running the same
// orchestration. Prints JSON.
//
// 1. Runs COUNT orchestrations to completion (in waves of WAVE) and reports RSS and heap as the process runs, then
//    after forced collections (until the heap stops shrinking) RSS, heapUsed and external, and the heap each stored
//    (completed, unpurged) instance holds; then purges them all and reports what is left.
// 2. Soaks: starts SOAK_RATE orchestrations each second (default 50; a steady load both subjects keep up with, and
//    whose retained instances fit the heap over 10 minutes) for SOAK_MINUTES per mode, samples heapUsed after a forced GC
//    (every 30 s, or six times per soak when it is shorter), reporting the least-squares slope in bytes per minute
//    and bytes per orchestration. Mode `retained` keeps every completed instance (its slope is the stored instances);
//    mode `purged` purges each wave once it completes, so any slope left is growth that is not stored instances.
//
//   npm run build && node bench/memory-soak.bench.js [orchestrations=10000]
//   SOAK_MINUTES=10 node bench/memory-soak.bench.js          # the soak behind docs/benchmarks.md (default 0.5 per mode)
// Each subject runs in a child process of its own (started with --expose-gc), one after the other, so that RSS is
// that subject's alone. SUBJECTS=durableRuntime runs only ours; SOAK_MODES=purged only that soak.
'use strict';
const { execFileSync } = require('node:child_process');

const path = require('node:path');
const { createTestEnvironment } = require('../dist/src/testing');
const { EXPECTED_OUTPUT, startInMemoryHelloCities5 } = require('./durabletask-js-hello-cities5');

const COUNT = Number(process.argv[2] ?? 10_000);
const WAVE = Number(process.env.WAVE ?? 500);
const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 0.5);
const SOAK_RATE = Number(process.env.SOAK_RATE ?? 50);
const SAMPLE_MS = Math.min(30_000, (SOAK_MINUTES * 60_000) / 6);
const MB = 1024 * 1024;

/** The two subjects behind one interface: start a wave and wait for it, purge a list of ids, tear down. */
async function durableRuntime() {
  const env = await createTestEnvironment({ appDir: path.join(__dirname, 'apps/hello-cities5'), timeSkipping: false });
  return {
    async wave(size) {
      const ids = await Promise.all(Array.from({ length: size }, () => env.client.startNew('HelloCities5')));
      const states = await Promise.all(ids.map((id) => env.client.waitForCompletion(id, { timeoutMs: 600_000 })));
      check(states.map((s) => [s.runtimeStatus, s.output]));
      return ids;
    },
    async purge(ids) {
      for (const id of ids) await env.client.purgeInstanceHistory(id);
    },
    close: () => env.close(),
  };
}

async function durableTaskJs() {
  const { client, stop } = await startInMemoryHelloCities5();
  return {
    async wave(size) {
      const ids = await Promise.all(Array.from({ length: size }, () => client.scheduleNewOrchestration('HelloCities5')));
      const states = await Promise.all(ids.map((id) => client.waitForOrchestrationCompletion(id, true, 600)));
      check(states.map((s) => [s && s.runtimeStatus === 1 ? 'Completed' : String(s && s.runtimeStatus), s && JSON.parse(s.serializedOutput)]));
      return ids;
    },
    async purge(ids) {
      for (const id of ids) await client.purgeOrchestration(id);
    },
    close: stop,
  };
}

function check(rows) {
  const bad = rows.filter(([status, output]) => status !== 'Completed' || JSON.stringify(output) !== EXPECTED_OUTPUT);
  if (bad.length) throw new Error(`${bad.length} orchestrations did not complete correctly, e.g. ${JSON.stringify(bad[0])}`);
}

/**
 * Memory after full collections, repeated until the heap stops shrinking: one compacts only part of a fragmented old
 * space, and finalizers (AbortSignal.timeout clears its timer from one) run between them.
 */
async function settled() {
  let heapTotal = Infinity;
  for (let round = 0; round < 10 && process.memoryUsage().heapTotal < heapTotal; round++) {
    heapTotal = process.memoryUsage().heapTotal;
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external + usage.arrayBuffers };
}

function inMb(usage) {
  return Object.fromEntries(Object.entries(usage).map(([key, bytes]) => [`${key}MB`, round(bytes / MB)]));
}

async function afterCount(subject) {
  const s = await subject();
  try {
    for (let i = 0; i < 2; i++) await s.purge(await s.wave(WAVE)); // warm-up: code compiled, pools and sockets allocated
    const before = await settled();
    const ids = [];
    for (let done = 0; done < COUNT; done += WAVE) ids.push(...(await s.wave(Math.min(WAVE, COUNT - done))));
    const running = process.memoryUsage(); // before any forced collection, as the process runs
    const after = await settled();
    await s.purge(ids);
    const purged = await settled();
    return {
      before: inMb(before),
      afterCompletedBeforeGC: inMb({ rss: running.rss, heapTotal: running.heapTotal, heapUsed: running.heapUsed }),
      afterCompleted: inMb(after),
      afterPurge: inMb(purged),
      heapBytesPerStoredInstance: Math.round((after.heapUsed - before.heapUsed) / COUNT),
      heapBytesLeftPerPurgedInstance: Math.round((purged.heapUsed - before.heapUsed) / COUNT),
    };
  } finally {
    await s.close();
  }
}

async function soak(subject, mode) {
  const s = await subject();
  try {
    for (let i = 0; i < 5; i++) await s.purge(await s.wave(SOAK_RATE)); // warm-up at the soak's own load
    const started = Date.now();
    const samples = [{ minutes: 0, orchestrations: 0, heapUsed: (await settled()).heapUsed }];
    let orchestrations = 0;
    let nextSample = started + SAMPLE_MS;
    for (let second = 1; Date.now() - started < SOAK_MINUTES * 60_000; second++) {
      const ids = await s.wave(SOAK_RATE);
      orchestrations += ids.length;
      if (mode === 'purged') await s.purge(ids);
      if (Date.now() >= nextSample) {
        samples.push({ minutes: (Date.now() - started) / 60_000, orchestrations, heapUsed: (await settled()).heapUsed });
        nextSample += SAMPLE_MS;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + second * 1000 - Date.now())));
    }
    const last = await settled();
    return {
      mode,
      minutes: round((Date.now() - started) / 60_000),
      orchestrations,
      orchestrationsPerSecond: round(orchestrations / ((Date.now() - started) / 1000)),
      heapBytesPerMinute: Math.round(slope(samples.map((p) => [p.minutes, p.heapUsed]))),
      heapBytesPerOrchestration: round(slope(samples.map((p) => [p.orchestrations, p.heapUsed]))),
      heapMB: samples.map((p) => round(p.heapUsed / MB)),
      finalRssMB: round(last.rss / MB),
    };
  } finally {
    await s.close();
  }
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

const SUBJECTS = { durableRuntime, durableTaskJsInMemory: durableTaskJs };

/** In a child: one subject, printed as JSON. */
async function measureSubject(name) {
  const modes = (process.env.SOAK_MODES ?? 'retained,purged').split(',').filter(Boolean);
  const result = { afterCount: await afterCount(SUBJECTS[name]), soak: [] };
  for (const mode of modes) result.soak.push(await soak(SUBJECTS[name], mode));
  console.log(JSON.stringify(result));
}

async function main() {
  if (process.env.MEMORY_SOAK_SUBJECT) return measureSubject(process.env.MEMORY_SOAK_SUBJECT);
  const which = (process.env.SUBJECTS ?? Object.keys(SUBJECTS).join(',')).split(',');
  const results = {};
  for (const name of which) {
    if (!SUBJECTS[name]) throw new Error(`SUBJECTS names '${name}'; the subjects are ${Object.keys(SUBJECTS).join(', ')}.`);
    const stdout = execFileSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, MEMORY_SOAK_SUBJECT: name },
    });
    results[name] = JSON.parse(stdout);
  }
  const ours = results.durableRuntime?.afterCount;
  const theirs = results.durableTaskJsInMemory?.afterCount;
  console.log(JSON.stringify({
    benchmark: `HelloCities5 memory: ${COUNT} completed, then ${SOAK_MINUTES} min soaks at ${SOAK_RATE}/s, in-memory backends`,
    orchestrations: COUNT,
    wave: WAVE,
    soakRate: SOAK_RATE,
    soakMinutes: SOAK_MINUTES,
    node: process.version,
    loadAverage: require('node:os').loadavg().map(round),
    ...results,
    ...(ours && theirs && {
      ratio: {
        heapBytesPerStoredInstance: round(ours.heapBytesPerStoredInstance / theirs.heapBytesPerStoredInstance),
        rssAfterCompleted: round(ours.afterCompleted.rssMB / theirs.afterCompleted.rssMB),
      },
    }),
  }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
