// The Newtonsoft JSON shapes that DurableTask.Core readers expect, shared by the queue and table codecs
// (specs/backends.md A4.1, A4.2, C.1): assembly-less `$type` names, FailureDetails, and dropping absent members.

import type { FailureDetails } from '../../core';
import { withoutUndefined } from './without-undefined';

/** A .NET object for the queue serializer: `$type` first (Newtonsoft only honours leading metadata, A4.1). */
export interface DotNetObject {
  $type: string;
  [member: string]: unknown;
}

export const DOTNET_TYPES = {
  messageData: 'DurableTask.AzureStorage.MessageData',
  taskMessage: 'DurableTask.Core.TaskMessage',
  orchestrationInstance: 'DurableTask.Core.OrchestrationInstance',
  parentInstance: 'DurableTask.Core.ParentInstance',
  failureDetails: 'DurableTask.Core.FailureDetails',
  historyEventPrefix: 'DurableTask.Core.History.',
  stringDictionary:
    'System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.String, System.Private.CoreLib]]',
  objectDictionary:
    'System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.Object, System.Private.CoreLib]]',
} as const;

/** FailureDetails as DT.Core serializes it (members in declaration order). */
export interface FailureJson {
  ErrorType?: string;
  ErrorMessage?: string;
  StackTrace?: string | null;
  InnerFailure?: FailureJson | null;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown> | null;
}

export function failureObject(failure: FailureDetails | undefined): DotNetObject | null {
  if (!failure) return null;
  return {
    $type: DOTNET_TYPES.failureDetails,
    ErrorType: failure.errorType,
    ErrorMessage: failure.errorMessage,
    StackTrace: failure.stackTrace ?? null,
    InnerFailure: failureObject(failure.innerFailure),
    IsNonRetriable: failure.isNonRetriable ?? false,
    Properties: failure.properties ? { $type: DOTNET_TYPES.objectDictionary, ...failure.properties } : null,
  };
}

export function failureFromJson(json: FailureJson | undefined | null): FailureDetails | undefined {
  if (!json) return undefined;
  const properties = json.Properties ? stripTypeNames(json.Properties) : undefined;
  return withoutUndefined({
    errorType: json.ErrorType ?? 'Error',
    errorMessage: json.ErrorMessage ?? '',
    stackTrace: json.StackTrace ?? undefined,
    innerFailure: failureFromJson(json.InnerFailure),
    isNonRetriable: json.IsNonRetriable ? true : undefined,
    properties,
  });
}

/** A copy without `$type` members at any depth (table columns store plain JSON, A5.3). */
export function stripTypeNames<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripTypeNames) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (key !== '$type') out[key] = stripTypeNames(member);
  return out as T;
}
