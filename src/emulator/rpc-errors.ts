// Every failure of an RPC becomes a gRPC status that says what was wrong (specs/backends.md B2: ALREADY_EXISTS,
// NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT naming the field). The server keeps serving every other call.

import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { errorMessage } from '../core';
import { ProtocolError } from '../scheduler-protocol';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, NotSupportedError, OperationNotApplicableError } from '../taskhub';
import { WorkItemNotHeldError } from '../taskhub/local';

export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export function invalidArgument(field: string, problem: string): RpcError {
  return new RpcError(status.INVALID_ARGUMENT, `${field} ${problem}`);
}

export function statusOf(error: unknown): status {
  if (error instanceof RpcError) return error.code;
  if (error instanceof InstanceExistsError) return status.ALREADY_EXISTS;
  if (error instanceof InstanceNotFoundError || error instanceof WorkItemNotHeldError) return status.NOT_FOUND;
  if (error instanceof InvalidInstanceStateError || error instanceof OperationNotApplicableError) return status.FAILED_PRECONDITION;
  if (error instanceof ProtocolError || error instanceof RangeError) return status.INVALID_ARGUMENT;
  if (error instanceof NotSupportedError) return status.UNIMPLEMENTED;
  return status.INTERNAL;
}

export function toServiceError(error: unknown): ServiceError {
  const code = statusOf(error);
  const details = errorMessage(error);
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}
