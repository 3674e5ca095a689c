// `durable-runtime emulator` as a child process on a free port, ready once its gRPC port accepts connections.

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { CLI_PATH, REPO_ROOT, freePort } from './cli-process';
import { waitFor } from './wait-for';

export interface EmulatorProcess {
  readonly port: number;
  /** `Endpoint=http://localhost:<port>;Authentication=None` plus `;TaskHub=<hub>` when given. */
  connectionString(taskHub?: string): string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startEmulator(extraArgs: string[] = [], port?: number, env: Record<string, string> = {}): Promise<EmulatorProcess> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [CLI_PATH, 'emulator', '--port', String(chosen), ...extraArgs], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await waitFor(`the emulator to listen on port ${chosen}`, async () => {
    if (child.exitCode !== null) throw new Error(`durable-runtime emulator exited with code ${child.exitCode}:\n${output}`);
    return accepts(chosen);
  }, 30_000, 50, () => output).catch(async (error: unknown) => {
    await stop('SIGKILL');
    throw error;
  });
  return {
    port: chosen,
    connectionString: (taskHub) => `Endpoint=http://localhost:${chosen};Authentication=None${taskHub ? `;TaskHub=${taskHub}` : ''}`,
    output: () => output,
    stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
