// A Durable Task Scheduler–compatible gRPC server (TaskHubSidecarService, specs/backends.md Part B) over local task
// hubs: plaintext HTTP/2 like the Docker emulator (B8), so any Scheduler SDK, or this runtime's azureManaged
// backend, connects with `Endpoint=http://localhost:<port>;Authentication=None;TaskHub=<hub>`.

import { Server, ServerCredentials, status, type handleUnaryCall, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { errorMessage, type Logger } from '../core';
import { Empty, pb, TaskHubSidecarServiceService, type ITaskHubSidecarServiceServer } from '../scheduler-protocol';
import type { TaskHub } from '../taskhub';
import * as client from './client-rpcs';
import { carriesCompletionToken, checkMessageSize, MAX_MESSAGE_BYTES } from './message-limits';
import { RpcError, statusOf, toServiceError } from './rpc-errors';
import { TaskHubs } from './task-hubs';
import { WorkerRpcs } from './worker-rpcs';
import { WorkItemStreams } from './work-item-streams';

export interface SchedulerEmulatorOptions {
  /** Opens and starts the task hub with this name (its backend chosen by the caller). */
  openTaskHub(name: string): Promise<TaskHub>;
  /** The only task hubs there are; undefined: hubs are created on first use. */
  taskHubs?: readonly string[];
  logger: Logger;
  /** Health ping interval on work-item streams. */
  pingIntervalMs?: number;
}

export class SchedulerEmulator {
  readonly hubs: TaskHubs;
  readonly streams: WorkItemStreams;
  // gRPC itself would refuse a large message with a generic error; the emulator takes up to 4× the limit so it can
  // refuse it with one that names the instance and the limit (message-limits.ts).
  private readonly server = new Server({ 'grpc.max_receive_message_length': 4 * MAX_MESSAGE_BYTES });
  private readonly logger: Logger;

  constructor(options: SchedulerEmulatorOptions) {
    this.logger = options.logger;
    this.hubs = new TaskHubs({ open: options.openTaskHub, fixed: options.taskHubs, logger: options.logger });
    this.streams = new WorkItemStreams({ logger: options.logger, pingIntervalMs: options.pingIntervalMs });
    this.server.addService(TaskHubSidecarServiceService, this.service());
  }

  /** Opens the initial hubs and listens; returns the bound port (useful with port 0). */
  async listen(port: number, host = 'localhost'): Promise<number> {
    await this.hubs.start();
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
  }

  /** Ends worker streams with CANCELLED, finishes calls in flight, then stops the hubs (work still held goes back). */
  async stop(): Promise<void> {
    await this.streams.stop();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => this.server.forceShutdown(), 5000);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    await this.hubs.stop();
  }

  private service(): ITaskHubSidecarServiceServer {
    const worker = new WorkerRpcs(this.streams);
    const unary = this.unary.bind(this);
    return {
      hello: unary(async () => new Empty()),
      startInstance: unary((hub, request: pb.CreateInstanceRequest) => client.startInstance(hub, request)),
      getInstance: unary((hub, request: pb.GetInstanceRequest) => client.getInstance(hub, request)),
      waitForInstanceStart: unary((hub, request: pb.GetInstanceRequest, call) => client.waitForInstanceStart(hub, request, call)),
      waitForInstanceCompletion: unary((hub, request: pb.GetInstanceRequest, call) => client.waitForInstanceCompletion(hub, request, call)),
      raiseEvent: unary((hub, request: pb.RaiseEventRequest) => client.raiseEvent(hub, request)),
      terminateInstance: unary((hub, request: pb.TerminateRequest) => client.terminateInstance(hub, request)),
      suspendInstance: unary((hub, request: pb.SuspendRequest) => client.suspendInstance(hub, request)),
      resumeInstance: unary((hub, request: pb.ResumeRequest) => client.resumeInstance(hub, request)),
      rewindInstance: unary((hub, request: pb.RewindInstanceRequest) => client.rewindInstance(hub, request)),
      restartInstance: unary((hub, request: pb.RestartInstanceRequest) => client.restartInstance(hub, request)),
      queryInstances: unary((hub, request: pb.QueryInstancesRequest) => client.queryInstances(hub, request)),
      listInstanceIds: unary((hub, request: pb.ListInstanceIdsRequest) => client.listInstanceIds(hub, request)),
      purgeInstances: unary((hub, request: pb.PurgeInstancesRequest) => client.purgeInstances(hub, request)),
      signalEntity: unary((hub, request: pb.SignalEntityRequest) => client.signalEntity(hub, request)),
      getEntity: unary((hub, request: pb.GetEntityRequest) => client.getEntity(hub, request)),
      queryEntities: unary((hub, request: pb.QueryEntitiesRequest) => client.queryEntities(hub, request)),
      cleanEntityStorage: unary((hub, request: pb.CleanEntityStorageRequest) => client.cleanEntityStorage(hub, request)),
      createTaskHub: unary(async () => new pb.CreateTaskHubResponse()),
      deleteTaskHub: unary(async () => {
        throw new RpcError(status.UNIMPLEMENTED, 'DeleteTaskHub is not supported by this emulator; purge the instances instead, or delete its storage.');
      }),
      skipGracefulOrchestrationTerminations: unary(async () => {
        throw new RpcError(status.UNIMPLEMENTED, 'SkipGracefulOrchestrationTerminations is not supported by this emulator; use TerminateInstance.');
      }),

      getWorkItems: (call) => {
        this.hubs.forCall(call.metadata).then(
          (hub) => this.streams.open(call, hub),
          (error: unknown) => call.emit('error', toServiceError(error)),
        );
      },
      completeOrchestratorTask: unary((hub, response: pb.OrchestratorResponse, call) => worker.completeOrchestratorTask(hub, response, call.metadata)),
      completeActivityTask: unary((hub, response: pb.ActivityResponse, call) => worker.completeActivityTask(hub, response, call.metadata)),
      completeEntityTask: unary((hub, result: pb.EntityBatchResult, call) => worker.completeEntityTask(hub, result, call.metadata)),
      abandonTaskOrchestratorWorkItem: unary(async (hub, request: pb.AbandonOrchestrationTaskRequest, call) => {
        await worker.abandon(hub, 'orchestrator', request, call.metadata);
        return new pb.AbandonOrchestrationTaskResponse();
      }),
      abandonTaskActivityWorkItem: unary(async (hub, request: pb.AbandonActivityTaskRequest, call) => {
        await worker.abandon(hub, 'activity', request, call.metadata);
        return new pb.AbandonActivityTaskResponse();
      }),
      abandonTaskEntityWorkItem: unary(async (hub, request: pb.AbandonEntityTaskRequest, call) => {
        await worker.abandon(hub, 'entity', request, call.metadata);
        return new pb.AbandonEntityTaskResponse();
      }),
      streamInstanceHistory: (call) => {
        this.hubs
          .forCall(call.metadata)
          .then((hub) => worker.streamInstanceHistory(hub, call))
          .catch((error: unknown) => call.emit('error', toServiceError(error)));
      },
    };
  }

  /** Resolves the call's task hub, runs the handler and answers with its result or a status naming the problem. */
  private unary<Request, Response>(handler: (hub: TaskHub, request: Request, call: ServerUnaryCall<Request, Response>) => Promise<Response>): handleUnaryCall<Request, Response> {
    return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
      this.hubs
        .forCall(call.metadata)
        .then((hub) => {
          // Results and abandons are checked by WorkerRpcs, which gives their work item back when they are refused.
          if (!carriesCompletionToken(call.request)) checkMessageSize(`${call.getPath().slice(call.getPath().lastIndexOf('/') + 1)} request`, call.request);
          return handler(hub, call.request, call);
        })
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            if (statusOf(error) === status.INTERNAL) this.logger.error(`${call.getPath()} failed: ${(error as Error)?.stack ?? errorMessage(error)}`);
            callback(toServiceError(error));
          },
        );
    };
  }
}
