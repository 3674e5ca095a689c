// specs/backends.md B3 `TaskFailureDetails { errorType=1; errorMessage=2; stackTrace=3 SV; innerFailure=4;
// isNonRetriable=5; properties=6 map<string, Value> }`.

import type { FailureDetails } from '../core';
import { pb, Value } from './proto';
import { fromStringValue, toStringValue } from './wire-values';

export function toProtoFailure(failure: FailureDetails): pb.TaskFailureDetails {
  const message = new pb.TaskFailureDetails()
    .setErrortype(failure.errorType)
    .setErrormessage(failure.errorMessage)
    .setStacktrace(toStringValue(failure.stackTrace))
    .setIsnonretriable(failure.isNonRetriable ?? false);
  if (failure.innerFailure) message.setInnerfailure(toProtoFailure(failure.innerFailure));
  for (const [key, value] of Object.entries(failure.properties ?? {})) {
    message.getPropertiesMap().set(key, Value.fromJavaScript(value as never));
  }
  return message;
}

export function fromProtoFailure(message: pb.TaskFailureDetails): FailureDetails {
  const failure: FailureDetails = { errorType: message.getErrortype(), errorMessage: message.getErrormessage() };
  const stackTrace = fromStringValue(message.getStacktrace());
  if (stackTrace !== undefined) failure.stackTrace = stackTrace;
  const inner = message.getInnerfailure();
  if (inner) failure.innerFailure = fromProtoFailure(inner);
  if (message.getIsnonretriable()) failure.isNonRetriable = true;
  const properties: Record<string, unknown> = {};
  message.getPropertiesMap().forEach((value, key) => (properties[key] = value.toJavaScript()));
  if (Object.keys(properties).length > 0) failure.properties = properties;
  return failure;
}

/** A missing `failureDetails` field where the protocol requires one is answered with this, not a crash. */
export function requiredFailure(message: pb.TaskFailureDetails | undefined, where: string): FailureDetails {
  return message ? fromProtoFailure(message) : { errorType: 'UnknownError', errorMessage: `${where} carried no failure details.` };
}
