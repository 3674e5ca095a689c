// One gRPC channel to a Scheduler endpoint, with the SDKs' retry policy for transient UNAVAILABLE answers
// (specs/backends.md B7) and the stubs generated from orchestrator_service.proto that @microsoft/durabletask-js
// ships (B9).

import { credentials, type ChannelOptions } from '@grpc/grpc-js';
import { TaskHubSidecarServiceClient } from '../../scheduler-protocol';
import type { SchedulerConnection } from './connection-string';

export type SidecarClient = TaskHubSidecarServiceClient;

/** B7: maxAttempts 10 (grpc-js caps it at 5), 50 ms → 250 ms, ×2, on UNAVAILABLE only. */
const SERVICE_CONFIG = {
  methodConfig: [
    {
      name: [{ service: 'TaskHubSidecarService' }],
      retryPolicy: { maxAttempts: 5, initialBackoff: '0.05s', maxBackoff: '0.25s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] },
    },
  ],
};

export function openSidecarClient(connection: Pick<SchedulerConnection, 'address' | 'useTls'>, userAgent: string): SidecarClient {
  const options: ChannelOptions = {
    'grpc.service_config': JSON.stringify(SERVICE_CONFIG),
    'grpc.enable_retries': 1,
    'grpc.primary_user_agent': userAgent,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  };
  return new TaskHubSidecarServiceClient(connection.address, connection.useTls ? credentials.createSsl() : credentials.createInsecure(), options);
}
