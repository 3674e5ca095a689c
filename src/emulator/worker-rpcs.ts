// What workers call besides GetWorkItems (specs/backends.md B2, B4): Complete* and Abandon* with the completion
// token of a work item, and StreamInstanceHistory for workers that announced HISTORY_STREAMING. A malformed
// result is refused with INVALID_ARGUMENT and its work item given back, so nothing committed is lost.

import { status, type Metadata, type ServerWritableStream } from '@grpc/grpc-js';
import { errorMessage, type HistoryEvent, type WorkItem, type WorkItemKind } from '../core';
import { entityBatchFailure, fromProtoActivityResponse, fromProtoEntityBatchResult, fromProtoOrchestratorResponse, pb, ProtocolError, toProtoHistoryEvent } from '../scheduler-protocol';
import type { TaskHub } from '../taskhub';
import { RpcError } from './rpc-errors';
import type { WorkItemStreams } from './work-item-streams';

/** Events per HistoryChunk of StreamInstanceHistory. */
const HISTORY_CHUNK_SIZE = 200;

export class WorkerRpcs {
  constructor(private readonly streams: WorkItemStreams) {}

  async completeOrchestratorTask(hub: TaskHub, response: pb.OrchestratorResponse, metadata: Metadata): Promise<pb.CompleteTaskResponse> {
    await this.settle(hub, 'orchestrator', response.getCompletiontoken(), metadata, async (item) => {
      const result = fromProtoOrchestratorResponse(response);
      if (result.instanceId !== item.instanceId) throw new RpcError(status.INVALID_ARGUMENT, `instanceId is '${result.instanceId}', but the work item is for '${item.instanceId}'.`);
      await hub.completeOrchestratorWorkItem(result);
    });
    return new pb.CompleteTaskResponse();
  }

  async completeActivityTask(hub: TaskHub, response: pb.ActivityResponse, metadata: Metadata): Promise<pb.CompleteTaskResponse> {
    await this.settle(hub, 'activity', response.getCompletiontoken(), metadata, (item) => hub.completeActivityWorkItem({ ...fromProtoActivityResponse(response), instanceId: item.instanceId }));
    return new pb.CompleteTaskResponse();
  }

  async completeEntityTask(hub: TaskHub, result: pb.EntityBatchResult, metadata: Metadata): Promise<pb.CompleteTaskResponse> {
    await this.settle(hub, 'entity', result.getCompletiontoken(), metadata, async (item) => {
      // A batch-level failure means the worker could not run the batch at all: it runs again later.
      const failure = entityBatchFailure(result);
      if (failure) return hub.abandonWorkItem(item, `the worker could not run the batch: ${failure.errorType}: ${failure.errorMessage}`);
      await hub.completeEntityWorkItem(fromProtoEntityBatchResult(result, item.instanceId));
    });
    return new pb.CompleteTaskResponse();
  }

  async abandon(hub: TaskHub, kind: WorkItemKind, completionToken: string, metadata: Metadata): Promise<void> {
    await this.settle(hub, kind, completionToken, metadata, (item) => hub.abandonWorkItem(item, 'the worker abandoned it'));
  }

  /** Sends the history in chunks; for work-item processing, exactly the past events of the held work item. */
  async streamInstanceHistory(hub: TaskHub, call: ServerWritableStream<pb.StreamInstanceHistoryRequest, pb.HistoryChunk>): Promise<void> {
    const request = call.request;
    const instanceId = request.getInstanceid();
    if (!instanceId) throw new RpcError(status.INVALID_ARGUMENT, 'instanceId is required.');
    const held = request.getForworkitemprocessing() ? this.streams.outstandingOrchestration(hub, instanceId) : undefined;
    let events: HistoryEvent[];
    if (held?.kind === 'orchestrator') {
      events = held.pastEvents;
    } else {
      const state = await hub.getOrchestration(instanceId, { includeHistory: true });
      if (!state) throw new RpcError(status.NOT_FOUND, `No instance with ID '${instanceId}' was found.`);
      events = state.history ?? [];
    }
    for (let start = 0; start < events.length; start += HISTORY_CHUNK_SIZE) {
      call.write(new pb.HistoryChunk().setEventsList(events.slice(start, start + HISTORY_CHUNK_SIZE).map(toProtoHistoryEvent)));
    }
    call.end();
  }

  private async settle(
    hub: TaskHub,
    kind: WorkItemKind,
    token: string,
    metadata: Metadata,
    apply: (item: WorkItem) => Promise<void>,
  ): Promise<void> {
    const issued = this.streams.take(token, kind, hub, metadata);
    try {
      await apply(issued.item);
    } catch (error) {
      if (error instanceof RpcError || error instanceof ProtocolError) {
        await hub.abandonWorkItem(issued.item, `its result was refused: ${errorMessage(error)}`).catch(() => undefined);
      }
      throw error;
    } finally {
      issued.settle();
    }
  }
}
