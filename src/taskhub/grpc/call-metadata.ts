// The gRPC metadata every Scheduler call carries (specs/backends.md B6): `taskhub`, `x-user-agent` (`user-agent`
// itself is reserved by gRPC), `workerid` on the worker's calls, and `authorization: Bearer <token>` when the
// connection has a credential.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Metadata } from '@grpc/grpc-js';
import type { SchedulerTokenSource } from './scheduler-credential';

export type SchedulerRole = 'DurableTaskClient' | 'DurableTaskWorker';

/** `{hostname},{pid},{uuid without dashes}`, the JS SDK's worker id form (B6). */
export function newWorkerId(): string {
  return `${hostname()},${process.pid},${randomUUID().replace(/-/g, '')}`;
}

export interface CallMetadataOptions {
  taskHub: string;
  /** Defaults to "durable-runtime". */
  userAgent?: string;
  tokens?: SchedulerTokenSource;
  workerId?: string;
}

export class CallMetadata {
  private readonly userAgent: string;

  constructor(private readonly options: CallMetadataOptions) {
    this.userAgent = options.userAgent ?? 'durable-runtime';
  }

  get workerId(): string | undefined {
    return this.options.workerId;
  }

  /** Fresh metadata for one call; waits for a token when one is due. */
  async forCall(role: SchedulerRole): Promise<Metadata> {
    const metadata = new Metadata();
    metadata.set('taskhub', this.options.taskHub);
    metadata.set('x-user-agent', `${this.userAgent} (${role})`);
    if (role === 'DurableTaskWorker' && this.options.workerId) metadata.set('workerid', this.options.workerId);
    if (this.options.tokens) metadata.set('authorization', `Bearer ${await this.options.tokens.token()}`);
    return metadata;
  }
}
