// How long `npm start` takes until the sample app answers: cold (no dist/), warm (an unchanged tree), and warm the way
// it was before its build step became `tsc --build` (a full `tsc -p` compile every time). Runs in a scratch copy of the
// repository (sources, configs, a link to node_modules) so the working tree's dist/ is left alone; the memory backend
// keeps Azurite out of the figures. Prints one JSON object.
//   node bench/npm-start.bench.js [warmRounds=3]

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const WARM_ROUNDS = Number(process.argv[2] ?? 3);
const COPIED = ['src', 'functions', 'package.json', 'tsconfig.json', 'host.json', 'local.settings.json'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// `npm run` sets npm_* variables (npm_config_local_prefix...) that would point npm back at this repository.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-bench-'));
  try {
    for (const entry of COPIED) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const args = ['--backend', 'memory', '--port'];
    const npmStart = (port) => [npm, 'start', '--', ...args, String(port)];
    // What `npm start` ran before: a full compile every time, then the CLI.
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const previousStart = (port) => ['sh', '-c', `"${process.execPath}" "${tsc}" -p tsconfig.json && "${process.execPath}" dist/src/cli/main.js start ${args.join(' ')} ${port}`];

    const coldMs = await timeToReady(dir, npmStart); // no dist/ yet
    const warm = [];
    const previous = [];
    for (let i = 0; i < WARM_ROUNDS; i++) {
      warm.push(await timeToReady(dir, npmStart));
      previous.push(await timeToReady(dir, previousStart));
    }
    console.log(
      JSON.stringify(
        {
          benchmark: 'npm-start',
          node: process.version,
          cores: os.availableParallelism(),
          loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
          coldStartMs: Math.round(coldMs),
          warmStartMs: Math.round(median(warm)),
          previousWarmStartMs: Math.round(median(previous)),
          warmOverPreviousWarm: ratio(median(warm), median(previous)),
          rounds: { warm: warm.map(Math.round), previousWarm: previous.map(Math.round) },
        },
        null,
        2,
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the start command until GET /admin/host/status says Running, then SIGTERM and waits for the exit. */
async function timeToReady(dir, commandFor) {
  const port = await freePort();
  const [program, ...rest] = commandFor(port);
  const started = performance.now();
  // Its own process group: npm and sh do not pass signals on to the CLI.
  const child = spawn(program, rest, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${program} exited early:\n${output}`);
      if (performance.now() - started > 180_000) throw new Error(`${program} was not ready within 180 s:\n${output}`);
      const state = await fetch(`http://localhost:${port}/admin/host/status`)
        .then((response) => response.json())
        .then((status) => status.state, () => undefined);
      if (state === 'Running') return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (a, b) => Math.round((a / b) * 100) / 100;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
