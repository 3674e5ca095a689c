// `{Hub}Instances` rows ⇄ InstanceRecord (specs/backends.md A6.1). The DT.AS columns come first, with the exact
// names and Edm types Durable Functions Monitor and the .NET client read. Ours, for what DT.AS does not keep:
// `FailureDetails` (JSON), `ParentInstanceId`, `Checkpoint`, and `Input` holding an entity's scheduler state the
// way DF's own entities store it (`{"exists","state","queue","lockedBy"}`).

import type { EntityRequestEvent, EntitySchedulerState, InstanceRecord } from '../../core';
import { isRuntimeStatus } from '../../core';
import { failureFromJson, failureObject, stripTypeNames, type FailureJson } from './dotnet-json';
import { withoutUndefined } from './without-undefined';
import { requestFromJson, requestOf, type RequestMessageJson } from './entity-messages';
import { edmDateTime, readDateColumn, type TableRow } from './history-table-rows';
import { escapePartitionKey, unescapePartitionKey } from './key-sanitation';

/** DT.AS writes the literal string "null" when there is no custom status (A6.1). */
const NO_CUSTOM_STATUS = 'null';

/** DF's SchedulerState JSON, with queued requests as DF RequestMessages plus what we need to read them back. */
interface SchedulerStateJson {
  exists: boolean;
  state?: string;
  queue?: (RequestMessageJson & { Timestamp?: string; EventName?: string })[];
  lockedBy?: string;
  /** Ours: the critical section (lock request id) the lock belongs to. */
  criticalSection?: string;
}

/** `checkpoint`: the history checkpoint this row reflects (ours, see history-store.ts CheckpointMark). */
export function instanceRecordToRow(record: InstanceRecord, hubName: string, generation: number, checkpoint = 0): TableRow {
  const row: TableRow = {
    partitionKey: escapePartitionKey(record.instanceId),
    rowKey: '',
    ExecutionId: record.executionId,
    Name: record.name,
    CustomStatus: record.customStatus ?? NO_CUSTOM_STATUS,
    CreatedTime: edmDateTime(record.createdAt),
    LastUpdatedTime: edmDateTime(record.lastUpdatedAt),
    RuntimeStatus: record.status,
    Generation: generation,
    Tags: record.tags ? JSON.stringify(record.tags) : 'null',
    TaskHubName: hubName,
    Checkpoint: checkpoint,
  };
  if (record.version !== undefined) row.Version = record.version;
  const input = record.entity ? JSON.stringify(schedulerStateJson(record.entity)) : record.input;
  if (input !== undefined) row.Input = input;
  const output = record.output ?? (record.failureDetails ? failureSummary(record.failureDetails) : undefined);
  if (output !== undefined) row.Output = output;
  if (record.completedAt !== undefined) row.CompletedTime = edmDateTime(record.completedAt);
  if (record.scheduledStartAt !== undefined) row.ScheduledStartTime = edmDateTime(record.scheduledStartAt);
  if (record.failureDetails) row.FailureDetails = JSON.stringify(stripTypeNames(failureObject(record.failureDetails)));
  if (record.parentInstanceId !== undefined) row.ParentInstanceId = record.parentInstanceId;
  return row;
}

/** The CustomStatus column as a record holds it: DT.AS writes "null" for none. */
export function optionalCustomStatus(column: unknown): string | undefined {
  const customStatus = optionalString(column);
  return customStatus === NO_CUSTOM_STATUS ? undefined : customStatus;
}

export function rowToInstanceRecord(row: Record<string, unknown>): InstanceRecord {
  const instanceId = unescapePartitionKey(String(row.partitionKey));
  const status = String(row.RuntimeStatus);
  if (!isRuntimeStatus(status)) throw new Error(`Instances row '${instanceId}' has unknown RuntimeStatus '${status}'`);
  const failureDetails = typeof row.FailureDetails === 'string' ? failureFromJson(JSON.parse(row.FailureDetails) as FailureJson) : undefined;
  const output = optionalString(row.Output);
  const isEntity = instanceId.startsWith('@');
  const input = optionalString(row.Input);
  const tags = optionalString(row.Tags);
  return withoutUndefined({
    instanceId,
    name: String(row.Name ?? ''),
    version: optionalString(row.Version),
    executionId: String(row.ExecutionId ?? ''),
    status,
    createdAt: readDateColumn(row.CreatedTime) ?? new Date(0).toISOString(),
    lastUpdatedAt: readDateColumn(row.LastUpdatedTime) ?? readDateColumn(row.CreatedTime) ?? new Date(0).toISOString(),
    completedAt: readDateColumn(row.CompletedTime),
    scheduledStartAt: readDateColumn(row.ScheduledStartTime),
    input: isEntity ? undefined : input,
    // DT.AS keeps "ErrorType: ErrorMessage" in Output for failures; with FailureDetails present that is derived.
    output: failureDetails && output === failureSummary(failureDetails) ? undefined : output,
    customStatus: optionalCustomStatus(row.CustomStatus),
    failureDetails,
    parentInstanceId: optionalString(row.ParentInstanceId),
    tags: tags && tags !== 'null' ? (JSON.parse(tags) as Record<string, string>) : undefined,
    entity: isEntity && input ? schedulerStateFromJson(JSON.parse(input) as SchedulerStateJson, instanceId) : undefined,
  });
}

export function generationOf(row: Record<string, unknown>): number {
  return typeof row.Generation === 'number' ? row.Generation : 0;
}

export function checkpointOf(row: Record<string, unknown>): number {
  return typeof row.Checkpoint === 'number' ? row.Checkpoint : 0;
}

/** DT.Core `FailureDetails.ToString()`, what DT.AS stores as a failed instance's Output. */
function failureSummary(failure: { errorType: string; errorMessage: string }): string {
  return `${failure.errorType}: ${failure.errorMessage}`;
}

function schedulerStateJson(entity: EntitySchedulerState): SchedulerStateJson {
  return withoutUndefined({
    exists: entity.state !== undefined,
    state: entity.state,
    queue: entity.queue.length ? entity.queue.map(queuedRequestJson) : undefined,
    lockedBy: entity.lockedBy,
    criticalSection: entity.criticalSectionId,
  });
}

function queuedRequestJson(event: EntityRequestEvent): RequestMessageJson & { Timestamp: string; EventName?: string } {
  if (event.type === 'entityUnlockSent') {
    return { id: event.criticalSectionId, parent: event.parentInstanceId, Timestamp: event.timestamp, EventName: 'release' };
  }
  const scheduled = event.type !== 'entityLockRequested' ? event.scheduledTime : undefined;
  return withoutUndefined({ ...requestOf(event), Timestamp: event.timestamp, EventName: scheduled ? `op@${scheduled}` : undefined });
}

function schedulerStateFromJson(json: SchedulerStateJson, instanceId: string): EntitySchedulerState {
  const queue = (json.queue ?? []).map(
    // DF's own queue entries may lack our Timestamp member: the epoch then, as they predate anything we wrote.
    (request) => requestFromJson(request.EventName ?? 'op', request, instanceId, { eventId: -1, timestamp: request.Timestamp ?? new Date(0).toISOString() }) as EntityRequestEvent,
  );
  return withoutUndefined({
    state: json.exists ? json.state : undefined,
    queue,
    lockedBy: json.lockedBy ?? undefined,
    criticalSectionId: json.criticalSection,
  });
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
