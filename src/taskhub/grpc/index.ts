export { AUTHENTICATION_MODES, parseSchedulerConnectionString, type AuthenticationMode, type SchedulerConnection } from './connection-string';
export { createSchedulerCredential, SchedulerTokenSource, SCHEDULER_TOKEN_SCOPE, TOKEN_REFRESH_MARGIN_MS } from './scheduler-credential';
export { CallMetadata, newWorkerId, type SchedulerRole } from './call-metadata';
export { resolveSchedulerTaskHub, type SchedulerTaskHubSources } from './scheduler-task-hub-name';
export { SchedulerConnectionError, SchedulerSettingError, SCHEDULER_DATA_ROLE } from './scheduler-errors';
export { GrpcTaskHub, type GrpcTaskHubOptions } from './grpc-task-hub';
