// Runs the built `durable-runtime` CLI as a child process for e2e tests: start it on a free port, wait until
// GET /admin/host/status says Running, drive it over HTTP, stop it with a signal. Output is captured and included
// in every error, so a failing start shows why.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { processWide } from '../../src/functions-host/process-wide-state';
import { waitFor } from './wait-for';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliRunOptions {
  /** Arguments after `durable-runtime`, e.g. ['start', '--cwd', appDir]. */
  args: string[];
  /** The program and its first arguments; default this repository's `node dist/src/cli/main.js`. */
  command?: readonly string[];
  /** Added to the parent's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface CliStartOptions extends CliRunOptions {
  /** The port for `--port`; a free one when omitted. */
  port?: number;
  /** false: do not pass `--port` (the app's local.settings.json chooses; `port` must then say which it is). */
  passPort?: boolean;
  readyTimeoutMs?: number;
  /** Headers for the readiness probe, evaluated on each poll (e.g. the master key once keys.json exists). */
  statusHeaders?: () => Record<string, string>;
  /** Ready once the output matches this, instead of the host status probe (for `emulator`, which serves no HTTP host). */
  readyOutput?: RegExp;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly port: number;
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves with the output once it matches (bounded wait). */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<ExitStatus>;
  /** Sends the signal and waits for the exit; kills the process if it does not exit within `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => sendSignal(child, 'SIGKILL')));

/**
 * A CLI started through a launcher (`npx` runs it under `sh -c`, which does not pass signals on) leads its own
 * process group, and signals go to the whole group so that they reach the CLI itself.
 */
const groupLeaders = new WeakSet<ChildProcess>();

function sendSignal(child: ChildProcess, name: NodeJS.Signals): void {
  if (!groupLeaders.has(child) || child.pid === undefined) {
    child.kill(name);
    return;
  }
  try {
    process.kill(-child.pid, name);
  } catch {
    // the group has already exited
  }
}

/** Resolves once no process of the child's group is left (at once for a child that leads none). */
async function groupGone(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (!groupLeaders.has(child) || child.pid === undefined) return;
  const pid = child.pid;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(`process group ${pid} to exit`, () => !alive(), timeoutMs, 25).catch(() => sendSignal(child, 'SIGKILL'));
}

/**
 * A port nothing listens on, for a child to bind later. It is drawn from below the kernel's ephemeral range
 * (32768-60999 on Linux): a port from `listen(0)` is free only until the next outgoing connection of any process on
 * the machine takes it as its local port, which made a child's later bind fail with EADDRINUSE under parallel tests.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
    if (attempt === 50) throw new Error('No free port found between 20000 and 32000 after 50 attempts.');
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * The environment a child starts from: this jest worker's, less what apps loaded in-process by earlier test files
 * (createTestEnvironment) copied into it from their local.settings.json. jest runs several files in one process, and
 * a leaked `AzureWebJobsStorage` would give a CLI under test storage its own app does not configure.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [key, value] of processWide.settingsSetByHost) if (env[key] === value) delete env[key];
  return env;
}

function spawnCli(options: CliRunOptions): { child: ChildProcess; output: () => string; exited: Promise<ExitStatus> } {
  if (!options.command && !existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} does not exist: run \`npm run build\` first (\`npm test\` builds before jest).`);
  const [program, ...leading] = options.command ?? [process.execPath, CLI_PATH];
  const child = spawn(program, [...leading, ...options.args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...inheritedEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.command !== undefined,
  });
  if (options.command) groupLeaders.add(child);
  running.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output: () => output, exited };
}

/** Runs the CLI to completion (start-up failures, --help). */
export async function runCli(options: CliRunOptions & { timeoutMs?: number }): Promise<ExitStatus & { output: string }> {
  const { child, output, exited } = spawnCli(options);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const timer = setTimeout(() => sendSignal(child, 'SIGKILL'), timeoutMs);
  const status = await exited;
  clearTimeout(timer);
  return { ...status, output: output() };
}

/** Starts the CLI (`args` should hold the command, e.g. 'start') on a free port and waits until the host is Running. */
export async function startCli(options: CliStartOptions): Promise<CliProcess> {
  if (options.passPort === false && options.port === undefined) throw new Error('startCli: with passPort false, say which port the app uses.');
  const port = options.port ?? (await freePort());
  const args = options.passPort === false ? options.args : [...options.args, '--port', String(port)];
  const { child, output, exited } = spawnCli({ ...options, args });
  const baseUrl = `http://localhost:${port}`;
  let exitStatus: ExitStatus | undefined;
  void exited.then((status) => (exitStatus = status));
  const printed = () => `\n--- output ---\n${output()}`;

  const cli: CliProcess = {
    port,
    baseUrl,
    child,
    output,
    exited,
    waitForOutput: (pattern, timeoutMs = 20_000) =>
      waitFor(`output matching ${pattern}`, () => {
        const text = output();
        return (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) ? text : undefined;
      }, timeoutMs, 25, printed),
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (exitStatus) return exitStatus;
      sendSignal(child, signal);
      const timer = setTimeout(() => sendSignal(child, 'SIGKILL'), timeoutMs);
      const status = await exited;
      await groupGone(child, timeoutMs);
      clearTimeout(timer);
      if (status.signal === 'SIGKILL') throw new Error(`The CLI did not exit within ${timeoutMs} ms of ${signal}.\n--- output ---\n${output()}`);
      return status;
    },
  };

  const readyOutput = options.readyOutput;
  await waitFor(readyOutput ? `output matching ${readyOutput}` : 'GET /admin/host/status to report "Running"', async () => {
    if (exitStatus) {
      throw new Error(`The CLI exited (code ${exitStatus.code}, signal ${exitStatus.signal}) before it was ready.\n--- output ---\n${output()}`);
    }
    if (readyOutput) return readyOutput.test(output()) || undefined;
    try {
      const response = await fetch(`${baseUrl}/admin/host/status`, { headers: options.statusHeaders?.() });
      if (!response.ok) return undefined;
      const status = (await response.json()) as { state?: string };
      return status.state === 'Running' ? true : undefined;
    } catch {
      return undefined; // not listening yet
    }
  }, options.readyTimeoutMs ?? 20_000, 25, printed).catch(async (error: unknown) => {
    sendSignal(child, 'SIGKILL');
    await exited;
    throw error;
  });
  return cli;
}
