// HelloCities5 through `durable-runtime start` (a real child process, the app's own functions) on each storage
// provider in one run: memory, AzureStorage (on an Azurite started here) and azureManaged (on a `durable-runtime
// emulator` started here, memory backend). Orchestrations are started with the management API
// (POST /runtime/webhooks/durabletask/orchestrators/HelloCities5) and polled until complete. Prints JSON; read
// the ratios, not the absolute numbers.
//   npm run build && node bench/start-backends.bench.js [orchestrations=50] [rounds=2]
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { startAzurite } = require('../dist/src/backends/azure-storage');

const COUNT = Number(process.argv[2] ?? 50);
const ROUNDS = Number(process.argv[3] ?? 2);
const CLI = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
const APP = path.join(__dirname, 'apps', 'hello-cities5');
const EXPECTED = JSON.stringify(['Tokyo', 'Seattle', 'London', 'Cairo', 'Lima'].map((c) => `Hello ${c}!`));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function until(what, probe, timeoutMs = 60_000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function spawnCli(args, env) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-8000)));
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-8000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts `start` on the backend, runs COUNT orchestrations at once, and returns the figures. */
async function runOnce(backend, env) {
  const port = await freePort();
  const host = spawnCli(['start', '--cwd', APP, '--port', String(port), '--backend', backend], env);
  const base = `http://127.0.0.1:${port}`;
  try {
    await until(`${backend} host to run`, async () => ((await (await fetch(`${base}/admin/host/status`)).json()).state === 'Running' ? true : undefined));
    const started = process.hrtime.bigint();
    const ids = await Promise.all(
      Array.from({ length: COUNT }, async () => {
        const response = await fetch(`${base}/runtime/webhooks/durabletask/orchestrators/HelloCities5`, { method: 'POST' });
        if (response.status !== 202) throw new Error(`start answered ${response.status}: ${await response.text()}`);
        return (await response.json()).id;
      }),
    );
    await Promise.all(
      ids.map((id) =>
        until(`${id} to complete`, async () => {
          const status = await (await fetch(`${base}/runtime/webhooks/durabletask/instances/${id}`)).json();
          if (status.runtimeStatus === 'Completed' && JSON.stringify(status.output) === EXPECTED) return true;
          if (['Failed', 'Terminated'].includes(status.runtimeStatus)) throw new Error(`${id} ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
          return undefined;
          // Every status read costs the backend a read too: poll gently so the polling is not what is measured.
        }, 600_000, 500),
      ),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds: round(seconds), orchestrationsPerSecond: round(COUNT / seconds) };
  } catch (error) {
    throw new Error(`${backend}: ${error.message}\n${host.output().slice(-2000)}`);
  } finally {
    await host.stop();
  }
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const azurite = await startAzurite({});
  const emulatorPort = await freePort();
  const emulator = spawnCli(['emulator', '--port', String(emulatorPort)], {});
  const runs = { memory: [], AzureStorage: [], azureManaged: [] };
  try {
    await until('the emulator to listen', () => accepts(emulatorPort));
    // Alternate the backends in each round so machine noise hits all alike; a fresh task hub per run.
    for (let round = 0; round < ROUNDS; round++) {
      const hub = `bench${round}${Date.now().toString(36)}`;
      runs.memory.push(await runOnce('memory', { TASKHUB_NAME: hub }));
      runs.AzureStorage.push(await runOnce('AzureStorage', { AzureWebJobsStorage: azurite.connectionString, TASKHUB_NAME: hub }));
      runs.azureManaged.push(
        await runOnce('azureManaged', { DURABLE_TASK_SCHEDULER_CONNECTION_STRING: `Endpoint=http://localhost:${emulatorPort};Authentication=None;TaskHub=${hub}` }),
      );
    }
  } finally {
    await emulator.stop();
    await azurite.stop();
  }
  const medians = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, median(list.map((r) => r.orchestrationsPerSecond))]));
  console.log(
    JSON.stringify(
      {
        benchmark: 'HelloCities5 through durable-runtime start, per storage provider (azureManaged = durable-runtime emulator on memory)',
        orchestrations: COUNT,
        rounds: ROUNDS,
        node: process.version,
        medianOrchestrationsPerSecond: medians,
        ratio: { azureManagedOverMemory: round(medians.azureManaged / medians.memory), azureManagedOverAzureStorage: round(medians.azureManaged / medians.AzureStorage) },
        runs,
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
