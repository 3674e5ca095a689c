const { spawn } = require('node:child_process');
const { credentials } = require('@grpc/grpc-js');
const { TaskHubSidecarServiceClient, Empty, pb } = require('./../dist/src/scheduler-protocol');
(async () => {
  const child = spawn(process.execPath, [...(process.env.PRE ? ['-r', process.env.PRE] : []), 'dist/src/cli/main.js', 'emulator', '--port', '0', '--dashboard-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise((r) => child.stdout.on('data', (c) => { out += c; const m = /localhost:(\d+) \(gRPC/.exec(out); if (m) r(m[1]); }));
  const c = new TaskHubSidecarServiceClient(`localhost:${port}`, credentials.createInsecure());
  const call = (m, r) => new Promise((res, rej) => c[m](r, (e, x) => e ? rej(e) : res(x)));
  for (let i = 0; i < 5; i++) await call('hello', new Empty());
  let t = process.hrtime.bigint();
  for (let i = 0; i < 50; i++) await call('hello', new Empty());
  console.log('hello ms', Number(process.hrtime.bigint() - t) / 1e6 / 50);
  c.close(); child.kill('SIGINT'); await new Promise((r) => child.once('exit', r));
})();
