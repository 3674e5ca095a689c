// The wire definitions of TaskHubSidecarService, as the official SDK ships them (specs/backends.md B1, B9):
// `@microsoft/durabletask-js` publishes the generated google-protobuf messages and the @grpc/grpc-js service
// definition. Both ends of ours use these instead of a hand-kept copy of the proto.

export * as pb from '@microsoft/durabletask-js/dist/proto/orchestrator_service_pb';
export { TaskHubSidecarServiceService, TaskHubSidecarServiceClient, type ITaskHubSidecarServiceServer } from '@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb';
export { StringValue, Int32Value, BoolValue } from 'google-protobuf/google/protobuf/wrappers_pb';
export { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
export { Duration } from 'google-protobuf/google/protobuf/duration_pb';
export { Empty } from 'google-protobuf/google/protobuf/empty_pb';
export { Value } from 'google-protobuf/google/protobuf/struct_pb';
