// Test-side handle on a worker child process (azure-worker-process.ts).

import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerCommand, WorkerReply } from './azure-worker-process';

export class AzureWorkerProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor() {
    this.child = fork(join(__dirname, 'azure-worker-process.ts'), [], {
      execArgv: ['-r', join(__dirname, 'register-typescript.js')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Sends a command and resolves with its result; rejects with the worker's error (name and message kept). */
  request<T = unknown>(command: WorkerCommand): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`worker exited during ${command.command}`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: WorkerReply) => {
        this.child.off('exit', onExit);
        if (reply.ok) resolve(reply.value as T);
        else reject(Object.assign(new Error(reply.error), { name: reply.name }));
      });
      this.child.send(command);
    });
  }

  /** Ends the process the hard way: no lease release, no message hand-back. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
