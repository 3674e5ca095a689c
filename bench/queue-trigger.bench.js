// Queue-trigger throughput (messages/s) and end-to-end latency (enqueue → handler, p50/p95) for 1,000 messages:
// a queue-triggered function under `durable-runtime start`, next to a plain @azure/storage-queue consumer loop
// (receive 32, handle, delete; poll again at once after a hit, 100 ms after a miss), both on one bundled Azurite
// and both as child processes. This process enqueues the messages 32 at a time. Run `npm run build` first.
// Prints one JSON object.

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
const SEND_CONCURRENCY = 32;

const PLAIN_CONSUMER = `
  const { QueueClient } = require('@azure/storage-queue');
  const queue = new QueueClient(process.env.AzureWebJobsStorage, 'bench-items');
  const latencies = [];
  let lastDoneAt = 0;
  (async () => {
    await queue.createIfNotExists();
    console.log('ready');
    while (latencies.length < Number(process.argv[1])) {
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 600 });
      if (receivedMessageItems.length === 0) { await new Promise((r) => setTimeout(r, 100)); continue; }
      await Promise.all(receivedMessageItems.map(async (m) => {
        const message = JSON.parse(Buffer.from(m.messageText, 'base64').toString());
        lastDoneAt = Date.now();
        latencies.push(lastDoneAt - message.sentAt);
        await queue.deleteMessage(m.messageId, m.popReceipt);
      }));
    }
    console.log(JSON.stringify({ count: latencies.length, lastDoneAt, latencies }));
  })();
`;

async function main() {
  const azurite = await startAzurite({});
  const env = { ...process.env, AzureWebJobsStorage: azurite.connectionString };
  try {
    const plain = await measurePlain(env);
    const host = await measureHost(env, {});
    const hostQuiet = await measureHost(env, { AzureFunctionsJobHost__logging__logLevel__default: 'Warning' });
    const ratio = (a, b) => Math.round((a / b) * 100) / 100;
    console.log(
      JSON.stringify(
        {
          benchmark: 'queue-trigger',
          node: process.version,
          cpus: os.cpus().length,
          messages: MESSAGES,
          plainStorageQueueLoop: plain,
          durableRuntimeQueueTrigger: host,
          durableRuntimeQueueTriggerWarningLogs: hostQuiet,
          ratios: {
            throughputPlainOverHost: ratio(plain.messagesPerSecond, host.messagesPerSecond),
            throughputPlainOverHostWarningLogs: ratio(plain.messagesPerSecond, hostQuiet.messagesPerSecond),
            latencyP50HostOverPlain: ratio(host.latencyMs.p50, plain.latencyMs.p50),
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

async function measurePlain(env) {
  const queue = await freshQueue(env);
  const child = spawn(process.execPath, ['-e', PLAIN_CONSUMER, String(MESSAGES)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  await until(() => output.includes('ready'), 'the plain consumer to start');
  const firstSentAt = await send(queue);
  await until(() => output.includes('"count"'), 'the plain consumer to finish');
  child.kill();
  return summarize(JSON.parse(output.slice(output.indexOf('{'))), firstSentAt);
}

async function measureHost(env, extraEnv) {
  const queue = await freshQueue(env);
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'start', '--cwd', APP, '--port', String(port)], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', () => {}); // drained, as a terminal would
  const stats = async () => (await fetch(`http://127.0.0.1:${port}/api/stats`)).json();
  try {
    await until(async () => (await stats().catch(() => undefined))?.count === 0, 'the host to serve');
    const firstSentAt = await send(queue);
    let last;
    await until(async () => (last = await stats()).count >= MESSAGES, 'the host to consume every message');
    return summarize(last, firstSentAt);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function freshQueue(env) {
  const queue = new QueueClient(env.AzureWebJobsStorage, 'bench-items');
  await queue.createIfNotExists();
  await queue.clearMessages();
  return queue;
}

/** Enqueues MESSAGES base64 JSON messages, SEND_CONCURRENCY at a time; resolves with when the first was sent. */
async function send(queue) {
  const firstSentAt = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < MESSAGES) {
      next++;
      await queue.sendMessage(Buffer.from(JSON.stringify({ sentAt: Date.now() })).toString('base64'));
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
  return firstSentAt;
}

function summarize({ latencies, lastDoneAt }, firstSentAt) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const seconds = (lastDoneAt - firstSentAt) / 1000;
  return { messagesPerSecond: Math.round(latencies.length / seconds), totalSeconds: round(seconds), latencyMs: { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) } };
}

async function until(probe, what, timeoutMs = 120_000) {
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

function round(value) {
  return Math.round(value * 100) / 100;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
