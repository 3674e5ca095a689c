// specs/backends.md B1–B3: method paths without a package, the status numbering, failure details and timestamps.

import { RUNTIME_STATUSES } from '../../../src/core';
import {
  fromProtoFailure,
  fromProtoStatus,
  fromTimestamp,
  pb,
  TaskHubSidecarServiceService,
  toProtoFailure,
  toProtoStatus,
  toTimestamp,
} from '../../../src/scheduler-protocol';

describe('the SDK-shipped wire definitions (specs/backends.md B1, B9)', () => {
  it('name methods /TaskHubSidecarService/<Rpc>, as the proto has no package', () => {
    expect(TaskHubSidecarServiceService.hello.path).toBe('/TaskHubSidecarService/Hello');
    expect(TaskHubSidecarServiceService.getWorkItems.path).toBe('/TaskHubSidecarService/GetWorkItems');
    expect(TaskHubSidecarServiceService.getWorkItems.responseStream).toBe(true);
    expect(TaskHubSidecarServiceService.streamInstanceHistory.responseStream).toBe(true);
  });
});

describe('runtime status (specs/backends.md B3 OrchestrationStatus)', () => {
  it('numbers RUNNING=0 … SUSPENDED=7 both ways', () => {
    expect(toProtoStatus('Running')).toBe(pb.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING);
    expect(toProtoStatus('ContinuedAsNew')).toBe(2);
    expect(toProtoStatus('Pending')).toBe(pb.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);
    expect(toProtoStatus('Suspended')).toBe(7);
    for (const status of RUNTIME_STATUSES) expect(fromProtoStatus(toProtoStatus(status))).toBe(status);
  });

  it('names an unknown number', () => {
    expect(() => fromProtoStatus(42 as pb.OrchestrationStatus)).toThrow(/42/);
  });
});

describe('failure details (specs/backends.md B3 TaskFailureDetails)', () => {
  it('round-trips nested failures, the non-retriable flag and properties', () => {
    const failure = { errorType: 'TypeError', errorMessage: 'bad', stackTrace: 'at f', innerFailure: { errorType: 'E', errorMessage: 'inner' }, isNonRetriable: true, properties: { code: 42, tag: 'x' } };
    const wire = pb.TaskFailureDetails.deserializeBinary(toProtoFailure(failure).serializeBinary());
    expect(wire.getErrortype()).toBe('TypeError');
    expect(fromProtoFailure(wire)).toEqual(failure);
  });
});

describe('timestamps', () => {
  it('carry ISO-8601 UTC times with milliseconds', () => {
    const iso = '2025-06-30T12:34:56.789Z';
    expect(fromTimestamp(toTimestamp(iso))).toBe(iso);
    expect(toTimestamp(iso)!.getSeconds()).toBe(Math.floor(Date.parse(iso) / 1000));
  });

  it('say which text is not a time', () => {
    expect(() => toTimestamp('yesterday')).toThrow(/'yesterday' is not an ISO-8601 time/);
  });
});
