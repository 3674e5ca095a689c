// What the Functions host adds to a trivial HTTP function: latency (p50/p95, sequential requests) and throughput
// (concurrent requests) through `durable-runtime start`, next to a bare node:http server answering the same body.
// Both servers run as child processes; this process drives them over loopback with keep-alive connections.
// Run `npm run build` first. Prints one JSON object.

const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const APP = path.join(__dirname, 'apps', 'http-trivial');
const WARMUP = 500;
const SEQUENTIAL = 3000;
const CONCURRENT = 20000;
const CONCURRENCY = 32;

const BARE_SERVER = `
  require('node:http').createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8', 'content-length': '4' });
      res.end('pong');
    });
  }).listen(Number(process.argv[1]), () => console.log('ready'));
`;

async function main() {
  const bare = await measure('bare', (port) => spawn(process.execPath, ['-e', BARE_SERVER, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] }), '/');
  const host = await measure('host', (port) => startHost(port, {}), '/api/ping');
  // The same host with logging at Warning through an app-setting override of host.json: no per-request log lines.
  const quiet = await measure('host', (port) => startHost(port, { AzureFunctionsJobHost__logging__logLevel__default: 'Warning' }), '/api/ping');

  const ratio = (a, b) => Math.round((a / b) * 100) / 100;
  console.log(
    JSON.stringify(
      {
        benchmark: 'http-host',
        node: process.version,
        cpus: os.cpus().length,
        requests: { warmup: WARMUP, sequential: SEQUENTIAL, concurrent: CONCURRENT, concurrency: CONCURRENCY },
        bareNodeHttp: bare,
        durableRuntimeHost: host,
        durableRuntimeHostWarningLogs: quiet,
        addedLatencyMs: { p50: round(host.latencyMs.p50 - bare.latencyMs.p50), p95: round(host.latencyMs.p95 - bare.latencyMs.p95) },
        addedLatencyWarningLogsMs: { p50: round(quiet.latencyMs.p50 - bare.latencyMs.p50), p95: round(quiet.latencyMs.p95 - bare.latencyMs.p95) },
        ratios: {
          latencyP50HostOverBare: ratio(host.latencyMs.p50, bare.latencyMs.p50),
          throughputBareOverHost: ratio(bare.requestsPerSecond, host.requestsPerSecond),
          throughputBareOverHostWarningLogs: ratio(bare.requestsPerSecond, quiet.requestsPerSecond),
        },
      },
      null,
      2,
    ),
  );
}

function startHost(port, env) {
  const child = spawn(process.execPath, [CLI, 'start', '--cwd', APP, '--port', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', () => {}); // drained, as a terminal would
  return child;
}

async function measure(kind, start, pathname) {
  const port = await freePort();
  const child = start(port);
  try {
    await waitUntilServing(port, pathname, child);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const get = () => request(agent, port, pathname);
    for (let i = 0; i < WARMUP; i++) await get();

    const latencies = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const started = process.hrtime.bigint();
      await get();
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    latencies.sort((a, b) => a - b);

    let issued = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (issued < CONCURRENT) {
          issued++;
          await get();
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    agent.destroy();
    return {
      latencyMs: { p50: round(percentile(latencies, 0.5)), p95: round(percentile(latencies, 0.95)), mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length) },
      requestsPerSecond: Math.round(CONCURRENT / seconds),
    };
  } finally {
    child.kill('SIGKILL');
  }
}

function request(agent, port, pathname) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 && body === 'pong' ? resolve() : reject(new Error(`Unexpected ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
  });
}

async function waitUntilServing(port, pathname, child) {
  const deadline = Date.now() + 20_000;
  const agent = new http.Agent();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} before serving.`);
    try {
      await request(agent, port, pathname);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`Nothing served http://127.0.0.1:${port}${pathname} within 20 s.`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round = (n) => Math.round(n * 1000) / 1000;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
