// The local default of the azureManaged provider, as Azurite is for `UseDevelopmentStorage=true`: when the
// Scheduler endpoint is this machine and nothing answers there, start `durable-runtime emulator` on that port
// and stop it again with the host.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import type { Logger } from '../core';
import type { SchedulerConnection } from '../taskhub/grpc';
import { StorageProviderUnavailableError } from './errors';

export interface LocalSchedulerEmulator {
  /** Where its state lives, for the start-up log. */
  readonly description: string;
  stop(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const START_TIMEOUT_MS = 30_000;

/** Starts the emulator when `connection` points at a free local port; undefined when something answers or the endpoint is remote. */
export async function ensureLocalSchedulerEmulator(connection: SchedulerConnection, logger: Logger): Promise<LocalSchedulerEmulator | undefined> {
  const { hostname, port } = splitAddress(connection.address);
  if (!LOOPBACK_HOSTS.has(hostname.toLowerCase()) || connection.useTls) return undefined;
  if (await accepts(hostname, port)) return undefined;
  const main = path.join(__dirname, '..', 'cli', 'main.js');
  if (!existsSync(main)) {
    throw new StorageProviderUnavailableError(`Nothing answers at ${connection.endpoint}, and durable-runtime emulator cannot be started from here (${main} is missing; run npm run build). Start it with: durable-runtime emulator --port ${port}`);
  }
  // Its own process group, like Azurite: Ctrl+C must reach the host first, so the workers stop before the emulator.
  const child = spawn(process.execPath, [main, 'emulator', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  await waitUntilAccepting(child, hostname, port);
  logger.info(`Nothing answered at ${connection.endpoint}, so durable-runtime emulator was started there (port ${port}); its state lives in that process (memory) and ends with this host.`);
  return { description: `durable-runtime emulator started by this host on port ${port}, state in memory`, stop: () => stopChild(child) };
}

function splitAddress(address: string): { hostname: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { hostname: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

function accepts(hostname: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port, timeout: 1000 });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function waitUntilAccepting(child: ChildProcess, hostname: string, port: number): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(hostname, port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const why = child.exitCode !== null ? `it exited with code ${child.exitCode}` : `it did not listen within ${START_TIMEOUT_MS / 1000} s`;
      throw new StorageProviderUnavailableError(`durable-runtime emulator did not start on port ${port}: ${why}. Its output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGTERM lets the emulator end its streams with CANCELLED; SIGKILL after 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
