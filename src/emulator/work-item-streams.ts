// The worker side of the emulator (specs/backends.md B4): each GetWorkItems stream gets work items of its task hub,
// at most its announced concurrency per kind outstanding (a default when it sends 0, as durabletask-js does), each
// with a completion token to echo in Complete*/Abandon*. Health pings keep SDK watchdogs quiet (B4 step 7). When a
// stream closes, what its worker still held goes back at once, so the next worker gets it without a lock timeout.

import { setMaxListeners } from 'node:events';
import { status, type Metadata, type ServerWritableStream } from '@grpc/grpc-js';
import { errorMessage, parseSchedulerId, type Logger, type WorkItem, type WorkItemKind } from '../core';
import { healthPingWorkItem, pb, toProtoWorkItem } from '../scheduler-protocol';
import type { TaskHub } from '../taskhub';
import { RpcError } from './rpc-errors';

/** Well under the 60 s watchdogs of the SDKs (.NET reconnects after 120 s of silence, B4 step 7). */
export const HEALTH_PING_INTERVAL_MS = 15_000;

/** Work items of one kind a stream holds at most when the worker sends no limit (durabletask-js sends 0). */
export const DEFAULT_CONCURRENCY = 100;

const KINDS: readonly WorkItemKind[] = ['orchestrator', 'activity', 'entity'];

type Filters = Record<WorkItemKind, ReadonlySet<string>>;

interface Issued {
  readonly hub: TaskHub;
  readonly item: WorkItem;
  readonly stream: WorkerStream;
  /** Frees the stream's slot. */
  readonly settle: () => void;
}

class WorkerStream {
  readonly abort = new AbortController();
  readonly outstanding = new Map<string, Issued>();

  constructor(
    readonly hub: TaskHub,
    readonly call: ServerWritableStream<pb.GetWorkItemsRequest, pb.WorkItem>,
    readonly workerId: string | undefined,
    /** Names this worker takes per kind; undefined: it sent no filters and takes everything. */
    readonly filters: Filters | undefined,
    readonly streamsHistory: boolean,
  ) {}

  wants(kind: WorkItemKind): boolean {
    return !this.filters || this.filters[kind].size > 0;
  }

  accepts(item: WorkItem): boolean {
    return !this.filters || this.filters[item.kind].has(workItemName(item));
  }

  get description(): string {
    return this.workerId ? `worker ${this.workerId}` : 'a worker';
  }
}

export interface WorkItemStreamsOptions {
  logger: Logger;
  pingIntervalMs?: number;
}

export class WorkItemStreams {
  private readonly streams = new Set<WorkerStream>();
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly options: WorkItemStreamsOptions) {}

  get connectedWorkers(): number {
    return this.streams.size;
  }

  /** Serves one GetWorkItems call until the worker goes away or the emulator stops. */
  open(call: ServerWritableStream<pb.GetWorkItemsRequest, pb.WorkItem>, hub: TaskHub): void {
    const request = call.request;
    const stream = new WorkerStream(
      hub,
      call,
      workerIdOf(call.metadata),
      request.hasWorkitemfilters() ? filtersOf(request.getWorkitemfilters()!) : undefined,
      request.getCapabilitiesList().includes(pb.WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING),
    );
    this.streams.add(stream);
    // Every slot of the stream waits on its signal.
    setMaxListeners(0, stream.abort.signal);
    const ping = setInterval(() => call.write(healthPingWorkItem()), this.options.pingIntervalMs ?? HEALTH_PING_INTERVAL_MS);
    ping.unref();
    const close = () => {
      clearInterval(ping);
      void this.close(stream);
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('finish', close);
    call.on('error', close);
    const limits: Record<WorkItemKind, number> = {
      orchestrator: request.getMaxconcurrentorchestrationworkitems(),
      activity: request.getMaxconcurrentactivityworkitems(),
      entity: request.getMaxconcurrententityworkitems(),
    };
    for (const kind of KINDS) {
      if (!stream.wants(kind)) continue;
      const slots = limits[kind] > 0 ? limits[kind] : DEFAULT_CONCURRENCY;
      for (let slot = 0; slot < slots; slot++) void this.runSlot(stream, kind);
    }
  }

  /**
   * Takes the work item a completion or abandon names. An unknown or used token is NOT_FOUND; a token handed to
   * another worker is FAILED_PRECONDITION and stays with that worker.
   */
  take(token: string, kind: WorkItemKind, hub: TaskHub, metadata: Metadata): Issued {
    if (!token) throw new RpcError(status.INVALID_ARGUMENT, 'completionToken is empty; echo the token of the work item you are completing.');
    const issued = this.issued.get(token);
    if (!issued || issued.hub !== hub) {
      throw new RpcError(
        status.NOT_FOUND,
        `No ${kind} work item is outstanding with completion token '${token}' in this task hub: it was completed or abandoned already, or ` +
          `its worker's stream closed and it went to another worker. Drop this result; the work item runs (or ran) again.`,
      );
    }
    if (issued.item.kind !== kind) {
      throw new RpcError(status.INVALID_ARGUMENT, `Completion token '${token}' belongs to ${article(issued.item.kind)} ${issued.item.kind} work item, not ${article(kind)} ${kind} one; use the matching Complete/Abandon call.`);
    }
    const caller = workerIdOf(metadata);
    if (caller && issued.stream.workerId && caller !== issued.stream.workerId) {
      throw new RpcError(status.FAILED_PRECONDITION, `The work item with completion token '${token}' was given to worker ${issued.stream.workerId}, not to worker ${caller}.`);
    }
    this.issued.delete(token);
    issued.stream.outstanding.delete(token);
    return issued;
  }

  /** Ends every stream with CANCELLED (workers reconnect to the next emulator) and gives their work back. */
  async stop(): Promise<void> {
    const streams = [...this.streams];
    for (const stream of streams) stream.call.emit('error', { code: status.CANCELLED, details: 'The emulator is shutting down; reconnect to the next one.' });
    await Promise.all(streams.map((stream) => this.close(stream)));
  }

  private async runSlot(stream: WorkerStream, kind: WorkItemKind): Promise<void> {
    const kinds = new Set([kind]);
    const { signal } = stream.abort;
    while (!signal.aborted) {
      let item: WorkItem | undefined;
      try {
        item = await stream.hub.nextWorkItem(kinds, signal);
      } catch (error) {
        this.options.logger.error(`Waiting for ${kind} work for ${stream.description} failed: ${errorMessage(error)}`);
        return;
      }
      if (!item) return;
      const target = stream.accepts(item) ? stream : this.otherStreamFor(stream.hub, item);
      if (!target || signal.aborted) {
        const reason = target ? `${stream.description} disconnected` : `no connected worker takes ${item.kind} '${workItemName(item)}' (work-item filters)`;
        await stream.hub.abandonWorkItem(item, reason, target ? { retryAfterMs: 0 } : undefined).catch(() => undefined);
        continue;
      }
      await this.send(target, item);
    }
  }

  private otherStreamFor(hub: TaskHub, item: WorkItem): WorkerStream | undefined {
    return [...this.streams].find((stream) => stream.hub === hub && !stream.abort.signal.aborted && stream.accepts(item));
  }

  /** Writes the item to the stream; resolves once it is completed, abandoned or given back. */
  private send(stream: WorkerStream, item: WorkItem): Promise<void> {
    return new Promise((settle) => {
      const issued: Issued = { hub: stream.hub, item, stream, settle };
      this.issued.set(item.completionToken, issued);
      stream.outstanding.set(item.completionToken, issued);
      try {
        stream.call.write(toProtoWorkItem(forSdkWorker(item), { streamHistory: stream.streamsHistory }));
      } catch (error) {
        this.options.logger.warn(`Writing a work item to ${stream.description} failed: ${errorMessage(error)}`);
        void this.close(stream);
      }
    });
  }

  private async close(stream: WorkerStream): Promise<void> {
    if (!this.streams.delete(stream)) return;
    stream.abort.abort();
    const held = [...stream.outstanding.values()];
    stream.outstanding.clear();
    if (held.length > 0) this.options.logger.info(`The stream of ${stream.description} closed; ${held.length} work item(s) it held go to the next worker.`);
    await Promise.all(
      held.map(async (issued) => {
        this.issued.delete(issued.item.completionToken);
        await stream.hub.abandonWorkItem(issued.item, `${stream.description} disconnected`, { retryAfterMs: 0 }).catch(() => undefined);
        issued.settle();
      }),
    );
  }

  /** The outstanding orchestrator work item of an instance, for StreamInstanceHistory. */
  outstandingOrchestration(hub: TaskHub, instanceId: string): WorkItem | undefined {
    for (const issued of this.issued.values()) {
      if (issued.hub === hub && issued.item.kind === 'orchestrator' && issued.item.instanceId === instanceId) return issued.item;
    }
    return undefined;
  }
}

/**
 * This runtime's engine rewinds an instance itself (core/orchestration-inbox.ts). An SDK worker that sees
 * `executionRewound` among the new events would rewrite the history a second time (durabletask-js rewind), so
 * it gets the rewound history without that marker.
 */
function forSdkWorker(item: WorkItem): WorkItem {
  if (item.kind !== 'orchestrator' || !item.newEvents.some((event) => event.type === 'executionRewound')) return item;
  return { ...item, newEvents: item.newEvents.filter((event) => event.type !== 'executionRewound') };
}

function workItemName(item: WorkItem): string {
  switch (item.kind) {
    case 'activity':
      return item.name;
    case 'entity':
      return parseSchedulerId(item.instanceId).name;
    case 'orchestrator':
      return [...item.pastEvents, ...item.newEvents].find((event) => event.type === 'executionStarted')?.name ?? '';
  }
}

function filtersOf(filters: pb.WorkItemFilters): Filters {
  return {
    orchestrator: new Set(filters.getOrchestrationsList().map((filter) => filter.getName())),
    activity: new Set(filters.getActivitiesList().map((filter) => filter.getName())),
    entity: new Set(filters.getEntitiesList().map((filter) => filter.getName().toLowerCase())),
  };
}

function workerIdOf(metadata: Metadata): string | undefined {
  const [value] = metadata.get('workerid');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? 'an' : 'a';
}
