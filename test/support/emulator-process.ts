// Starts `durable-runtime emulator` as a child process on free ports and connects the official durabletask-js SDK
// (client and worker) to it, as an app using the Durable Task Scheduler emulator would.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Metadata } from '@grpc/grpc-js';
import { NoOpLogger, TaskHubGrpcClient, TaskHubGrpcWorker } from '@microsoft/durabletask-js';
import { startCli, type CliProcess } from './cli-process';

export interface EmulatorProcess extends CliProcess {
  readonly address: string;
  readonly dashboardPort: number;
}

/** Ports default to 0: the emulator binds free ones itself and its start-up log says which (no race with other processes). */
export async function startEmulator(options: { args?: string[]; env?: Record<string, string | undefined>; port?: number } = {}): Promise<EmulatorProcess> {
  const cli = await startCli({
    args: ['emulator', '--port', String(options.port ?? 0), '--dashboard-port', '0', ...(options.args ?? [])],
    env: options.env,
    passPort: false,
    port: options.port ?? 0,
    readyOutput: /Press Ctrl\+C to stop/,
    readyTimeoutMs: 60_000,
  });
  const port = Number(/listening on localhost:(\d+)/.exec(cli.output())![1]);
  const dashboardPort = Number(/Dashboard: http:\/\/localhost:(\d+)\//.exec(cli.output())![1]);
  return { ...cli, port, baseUrl: `http://localhost:${port}`, address: `localhost:${port}`, dashboardPort };
}

/** Every SDK call carries the task hub and (for workers) a worker id, as the Scheduler SDK integrations do (B6). */
export function sdkOptions(address: string, taskHub?: string, workerId?: string) {
  return {
    hostAddress: address,
    logger: new NoOpLogger(),
    metadataGenerator: async () => {
      const metadata = new Metadata();
      if (taskHub) metadata.set('taskhub', taskHub);
      if (workerId) metadata.set('workerid', workerId);
      return metadata;
    },
  };
}

export function sdkClient(address: string, taskHub?: string): TaskHubGrpcClient {
  return new TaskHubGrpcClient(sdkOptions(address, taskHub));
}

export function sdkWorker(address: string, taskHub?: string, extra: { workItemFilters?: 'auto' } = {}): TaskHubGrpcWorker {
  const workerId = `${hostname()},${process.pid},${randomUUID().replace(/-/g, '')}`;
  return new TaskHubGrpcWorker({ ...sdkOptions(address, taskHub, workerId), shutdownTimeoutMs: 5000, ...extra });
}

/** The connection string an app pastes for this emulator (the azureManaged provider's setting). */
export function schedulerConnectionString(emulator: { port: number }, taskHub?: string): string {
  return `Endpoint=http://localhost:${emulator.port};Authentication=None${taskHub ? `;TaskHub=${taskHub}` : ''}`;
}
