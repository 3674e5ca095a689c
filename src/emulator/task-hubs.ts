// The emulator's task hubs, chosen per call by the `taskhub` metadata header (specs/backends.md B6; `default` when
// absent, as the Docker image does, B8). Unknown hubs are created on first use unless the list is fixed
// (--task-hubs or DTS_TASK_HUB_NAMES); then a call for another hub gets NOT_FOUND naming the ones there are.

import { status, type Metadata } from '@grpc/grpc-js';
import { errorMessage, type Logger } from '../core';
import type { TaskHub } from '../taskhub';
import { RpcError } from './rpc-errors';

export const DEFAULT_TASK_HUB = 'default';

export interface TaskHubsOptions {
  /** Opens (creating its storage if needed) and starts the hub with this name. Throws RangeError for a bad name. */
  open(name: string): Promise<TaskHub>;
  /** The only hubs there are; undefined: any name is created on demand. */
  fixed?: readonly string[];
  logger: Logger;
}

export class TaskHubs {
  private readonly hubs = new Map<string, Promise<TaskHub>>();
  private stopping = false;

  constructor(private readonly options: TaskHubsOptions) {}

  /** Opens the fixed hubs, or `default`, so the first call does not wait for storage. */
  async start(): Promise<void> {
    await Promise.all((this.options.fixed ?? [DEFAULT_TASK_HUB]).map((name) => this.get(name)));
  }

  /** The hub a call names in its `taskhub` header. */
  forCall(metadata: Metadata): Promise<TaskHub> {
    const [header] = metadata.get('taskhub');
    const name = typeof header === 'string' && header.trim() !== '' ? header.trim() : DEFAULT_TASK_HUB;
    return this.get(name);
  }

  get(name: string): Promise<TaskHub> {
    if (this.stopping) return Promise.reject(new RpcError(status.UNAVAILABLE, 'The emulator is shutting down; connect to the next one.'));
    const fixed = this.options.fixed;
    if (fixed && !fixed.includes(name)) {
      return Promise.reject(
        new RpcError(status.NOT_FOUND, `Task hub '${name}' does not exist. This emulator serves ${fixed.map((hub) => `'${hub}'`).join(', ')}: send one of them in the 'taskhub' metadata header (TaskHub= in the connection string).`),
      );
    }
    let hub = this.hubs.get(name);
    if (!hub) {
      hub = this.options.open(name);
      this.hubs.set(name, hub);
      hub.then(
        () => this.options.logger.info(`Task hub '${name}' is ready.`),
        (error: unknown) => {
          // A failed open is not remembered: the next call tries again (storage may come back).
          this.hubs.delete(name);
          this.options.logger.warn(`Task hub '${name}' could not be opened: ${errorMessage(error)}`);
        },
      );
    }
    return hub;
  }

  /** The hubs opened so far, by name. */
  async opened(): Promise<Map<string, TaskHub>> {
    const entries = await Promise.all([...this.hubs].map(async ([name, hub]) => [name, await hub.catch(() => undefined)] as const));
    return new Map(entries.filter((entry): entry is readonly [string, TaskHub] => entry[1] !== undefined));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const hubs = await this.opened();
    await Promise.allSettled([...hubs.values()].map((hub) => hub.stop()));
  }
}
