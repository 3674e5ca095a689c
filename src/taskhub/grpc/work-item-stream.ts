// The worker's one long-lived inbox from the Scheduler (specs/backends.md B4): `Hello`, then a `GetWorkItems`
// server stream. When the stream ends or fails it is opened again after a full-jitter backoff (B4.8: base 1 s);
// when nothing, not even a health ping, arrives for the silence timeout (B4.7: .NET's SilentDisconnectTimeout is
// 120 s), a watchdog cancels it, says why, and reconnects, so a half-open connection never hangs the worker.

import { setTimeout as delay } from 'node:timers/promises';
import { status as Status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { Empty } from '../../scheduler-protocol';
import { pb } from '../../scheduler-protocol';
import type { Logger } from '../../core';
import type { CallMetadata } from './call-metadata';
import type { SidecarClient } from './scheduler-channel';
import { describeSchedulerFailure, type SchedulerTarget } from './scheduler-errors';

export interface WorkItemStreamOptions {
  client: SidecarClient;
  metadata: CallMetadata;
  target: SchedulerTarget;
  /** The request announcing the worker's concurrency limits. */
  request: () => pb.GetWorkItemsRequest;
  /** Called for every work item except health pings. */
  onWorkItem: (item: pb.WorkItem) => void;
  /** Called when a stream ends: work items it delivered and nobody took are redelivered by the Scheduler. */
  onDisconnect: () => void;
  logger: Logger;
  /** Reconnect when nothing arrives for this long. Default 120 s (B4.7). */
  silenceTimeoutMs?: number;
  /** Backoff base and cap for reconnects. Defaults 1 s and 30 s (B4.8). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

const HELLO_DEADLINE_MS = 30_000;

export class WorkItemStream {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private call: ClientReadableStream<pb.WorkItem> | undefined;
  private connectedOnce = false;

  constructor(private readonly options: WorkItemStreamOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.call?.cancel();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { logger, target } = this.options;
    const base = this.options.backoffBaseMs ?? 1000;
    const cap = this.options.backoffMaxMs ?? 30_000;
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      let delivered = false;
      try {
        const outcome = await this.connectAndListen();
        delivered = outcome.delivered;
        if (!this.stopping.signal.aborted) {
          logger.warn(
            outcome.silentFor
              ? `No work item or health ping from ${target.endpoint} for ${outcome.silentFor}; the connection is presumed dead. Reconnecting.`
              : `The work-item stream from ${target.endpoint} (task hub '${target.taskHub}') ended. Reconnecting.`,
          );
        }
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        logger.warn(`Work-item stream: ${describeSchedulerFailure(error, target)} Retrying.`);
      } finally {
        this.call = undefined;
        this.options.onDisconnect();
      }
      // A stream that delivered something was healthy: start the backoff over.
      failures = delivered ? 1 : failures + 1;
      const wait = Math.random() * Math.min(cap, base * 2 ** (failures - 1));
      await delay(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Resolves when the stream ends or the watchdog cancels it; rejects on errors. */
  private async connectAndListen(): Promise<{ delivered: boolean; silentFor?: string }> {
    const { client, metadata, logger, target } = this.options;
    await new Promise<void>((resolve, reject) => {
      void metadata.forCall('DurableTaskWorker').then(
        (headers) => client.hello(new Empty(), headers, { deadline: Date.now() + HELLO_DEADLINE_MS }, (error) => (error ? reject(error) : resolve())),
        reject,
      );
    });
    if (this.stopping.signal.aborted) return { delivered: false };
    const call = client.getWorkItems(this.options.request(), await metadata.forCall('DurableTaskWorker'));
    this.call = call;
    if (this.stopping.signal.aborted) call.cancel();
    if (!this.connectedOnce) logger.info(`Connected to the Scheduler at ${target.endpoint}, task hub '${target.taskHub}'.`);
    else logger.info(`Reconnected to the Scheduler at ${target.endpoint}, task hub '${target.taskHub}'.`);
    this.connectedOnce = true;

    const silenceMs = this.options.silenceTimeoutMs ?? 120_000;
    let delivered = false;
    let silentFor: string | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        silentFor = `${silenceMs / 1000} s`;
        call.cancel();
      }, silenceMs);
      watchdog.unref();
    };
    arm();
    try {
      await new Promise<void>((resolve, reject) => {
        call.on('data', (item: pb.WorkItem) => {
          delivered = true;
          arm();
          if (item.getRequestCase() !== pb.WorkItem.RequestCase.HEALTHPING) this.options.onWorkItem(item);
        });
        call.on('end', resolve);
        call.on('error', (error: ServiceError) => {
          if (error.code === Status.CANCELLED && (this.stopping.signal.aborted || silentFor)) resolve();
          else reject(error);
        });
      });
    } finally {
      clearTimeout(watchdog);
    }
    return { delivered, silentFor };
  }
}
