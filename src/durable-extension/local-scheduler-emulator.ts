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
  // Its dashboard takes any free port, so a second emulator never fails on 8082.
  const child = spawn(process.execPath, [main, 'emulator', '--port', String(port), '--dashboard-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const output = await waitUntilReady(child, port);
  const dashboard = /Dashboard: (\S+)/.exec(output)?.[1];
  logger.info(
    `Nothing answered at ${connection.endpoint}, so durable-runtime emulator was started there (port ${port}` +
      `${dashboard ? `, its dashboard at ${dashboard}` : ''}); its state lives in that process (memory) and ends with this host.`,
  );
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

/** Resolves with the emulator's output once it says it serves (its 'Press Ctrl+C to stop' line). */
function waitUntilReady(child: ChildProcess, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new StorageProviderUnavailableError(`durable-runtime emulator did not start on port ${port}: ${why}. Its output:\n${output.slice(-4000)}`));
    };
    const onError = (chunk: Buffer) => (output += chunk.toString());
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Press Ctrl+C to stop')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onError);
      // Keep draining both pipes for the emulator's whole life, so a full pipe never blocks it.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(output);
    };
    const onExit = (code: number | null) => fail(`it exited with code ${code}`);
    const timer = setTimeout(() => fail(`it did not serve within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onError);
    child.on('exit', onExit);
  });
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
