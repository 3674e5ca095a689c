// A queue-triggered function under `durable-runtime start` next to a plain @azure/storage-queue consumer loop
// (receive 32, handle them, delete each; again at once after a hit, 100 ms after a miss), both as child processes on
// one bundled Azurite:
//   throughput — 1,000 messages fill the queue first, then are drained: messages/s from the first handled to the last;
//   latency   — PACED_MESSAGES sent at a steady PACED_PER_SECOND, below what either consumer drains, so the figure is
//               enqueue → handler (polling included), not time spent behind a backlog: p50/p95/max.
// Run `npm run build` first. Prints one JSON object. `node bench/queue-trigger.bench.js [pacedMessages] [perSecond]`.

const { spawn } = require('node:child_process');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { QueueClient } = require('@azure/storage-queue');
const { startAzurite } = require('../dist/src/backends/azure-storage');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const APP = path.join(__dirname, 'apps', 'queue-trigger');
const MESSAGES = 1000;
const PACED_MESSAGES = Number(process.argv[2] ?? 200);
const PACED_PER_SECOND = Number(process.argv[3] ?? 10);

/** The plain loop, as a child process: counts what it handled; "reset" on stdin starts a new count. */
const PLAIN_CONSUMER = `
  const { QueueClient } = require('@azure/storage-queue');
  const queue = new QueueClient(process.env.AzureWebJobsStorage, 'bench-items');
  let stats = { count: 0, firstDoneAt: 0, lastDoneAt: 0, latencies: [] };
  process.stdin.on('data', (line) => {
    if (String(line).includes('reset')) stats = { count: 0, firstDoneAt: 0, lastDoneAt: 0, latencies: [] };
    else process.stdout.write(JSON.stringify(stats) + '\\n');
  });
  (async () => {
    for (;;) {
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 600 });
      if (receivedMessageItems.length === 0) { await new Promise((r) => setTimeout(r, 100)); continue; }
      await Promise.all(receivedMessageItems.map(async (m) => {
        const message = JSON.parse(Buffer.from(m.messageText, 'base64').toString());
        const now = Date.now();
        stats.firstDoneAt ||= now;
        stats.lastDoneAt = now;
        stats.latencies.push(now - message.sentAt);
        stats.count++;
        await queue.deleteMessage(m.messageId, m.popReceipt);
      }));
    }
  })();
`;

async function main() {
  const azurite = await startAzurite({});
  const env = { ...process.env, AzureWebJobsStorage: azurite.connectionString };
  try {
    const plain = await measure(env, plainConsumer);
    const host = await measure(env, hostConsumer);
    const ratio = (a, b) => Math.round((a / b) * 100) / 100;
    console.log(
      JSON.stringify(
        {
          benchmark: 'queue-trigger',
          node: process.version,
          cpus: os.cpus().length,
          messages: MESSAGES,
          paced: { messages: PACED_MESSAGES, perSecond: PACED_PER_SECOND },
          plainStorageQueueLoop: plain,
          durableRuntimeQueueTrigger: host,
          ratios: {
            throughputPlainOverHost: ratio(plain.drainMessagesPerSecond, host.drainMessagesPerSecond),
            latencyP50HostOverPlain: ratio(host.pacedLatencyMs.p50, plain.pacedLatencyMs.p50),
            latencyP95HostOverPlain: ratio(host.pacedLatencyMs.p95, plain.pacedLatencyMs.p95),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await azurite.stop();
  }
}

/** Fills the queue, starts the consumer, times the drain; then paces PACED_MESSAGES through the idle consumer. */
async function measure(env, start) {
  const queue = new QueueClient(env.AzureWebJobsStorage, 'bench-items');
  await queue.createIfNotExists();
  await queue.clearMessages();
  await send(queue, MESSAGES, 0);
  const consumer = await start(env);
  try {
    const drained = await consumer.waitFor(MESSAGES);
    await consumer.reset();
    await send(queue, PACED_MESSAGES, PACED_PER_SECOND);
    const paced = await consumer.waitFor(PACED_MESSAGES);
    return { drainMessagesPerSecond: Math.round((MESSAGES - 1) / ((drained.lastDoneAt - drained.firstDoneAt) / 1000)), pacedLatencyMs: percentiles(paced.latencies) };
  } finally {
    await consumer.stop();
  }
}

async function plainConsumer(env) {
  const child = spawn(process.execPath, ['-e', PLAIN_CONSUMER], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  let lines = [];
  child.stdout.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)));
  const stats = async () => {
    lines = [];
    child.stdin.write('stats\n');
    await until(() => lines.length > 0, 'the plain consumer to answer');
    return JSON.parse(lines[0]);
  };
  return {
    waitFor: (count) => pollStats(stats, count),
    reset: async () => void child.stdin.write('reset\n'),
    stop: () => stopChild(child),
  };
}

async function hostConsumer(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'start', '--cwd', APP, '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', () => {}); // drained, as a terminal would
  const stats = async () => (await fetch(`http://127.0.0.1:${port}/api/stats`)).json();
  await until(async () => (await stats().catch(() => undefined)) !== undefined, 'the host to serve');
  return {
    waitFor: (count) => pollStats(stats, count),
    reset: async () => void (await fetch(`http://127.0.0.1:${port}/api/reset`, { method: 'POST' })),
    stop: () => stopChild(child),
  };
}

async function pollStats(stats, count) {
  let last;
  await until(async () => (last = await stats()).count >= count, `${count} messages to be handled`);
  return last;
}

/** Enqueues `count` base64 JSON messages stamped with their send time: at `perSecond`, or 32 at a time when 0. */
async function send(queue, count, perSecond) {
  const message = () => Buffer.from(JSON.stringify({ sentAt: Date.now() })).toString('base64');
  if (perSecond === 0) {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        await queue.sendMessage(message());
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    return;
  }
  const started = Date.now();
  const sends = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    sends.push(queue.sendMessage(message()));
  }
  await Promise.all(sends);
}

function percentiles(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) };
}

function stopChild(child) {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

async function until(probe, what, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
