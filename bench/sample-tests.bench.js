// The sample app's own test file (test/integration/samples/sample-app.test.ts) timed two ways in one run: with
// createTestEnvironment (in-process, memory backend, time skipping: its day-long timers take milliseconds) and through
// a real `durable-runtime start` child process on the memory backend (SAMPLES_TARGET=process, where a "day" is one
// real second, since real time cannot be skipped). Each way runs ROUNDS times (default 2; the first also warms the
// ts-jest cache), alternating; the best round counts. Run `npm run build` first. Prints one JSON object.
//   node bench/sample-tests.bench.js    (env: ROUNDS)

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const TEST_FILE = 'test/integration/samples/sample-app.test.ts';
const ROUNDS = Number(process.env.ROUNDS ?? 2);

/** Runs the test file once; returns the wall time in ms and jest's test counts. */
function runTests(target) {
  const begin = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [JEST, TEST_FILE, '--json', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, SAMPLES_TARGET: target },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - begin) / 1e6;
  const report = JSON.parse(run.stdout);
  if (!report.success) {
    const failures = report.testResults.flatMap((file) => file.assertionResults.filter((a) => a.status !== 'passed').map((a) => `${a.fullName}: ${a.failureMessages.join('\n').slice(0, 2000)}`));
    throw new Error(`${TEST_FILE} failed with SAMPLES_TARGET=${target}:\n${failures.join('\n') || report.testResults.map((file) => file.message).join('\n')}`);
  }
  return { ms, tests: report.numPassedTests };
}

const rounds = { 'in-process': [], process: [] };
let tests;
for (let round = 0; round < ROUNDS; round++) {
  for (const target of Object.keys(rounds)) {
    const result = runTests(target);
    rounds[target].push(Math.round(result.ms));
    tests = result.tests;
  }
}
const best = (values) => Math.min(...values);
console.log(
  JSON.stringify({
    benchmark: `${TEST_FILE}: createTestEnvironment vs a durable-runtime start process (memory backend)`,
    tests,
    rounds: ROUNDS,
    wallMs: { createTestEnvironment: rounds['in-process'], durableRuntimeStart: rounds.process },
    bestMs: { createTestEnvironment: best(rounds['in-process']), durableRuntimeStart: best(rounds.process) },
    processOverInProcess: Number((best(rounds.process) / best(rounds['in-process'])).toFixed(2)),
    note: 'Through the process a "day" of timers is one real second; in-process it is a real day, skipped.',
  }),
);
