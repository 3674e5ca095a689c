// History table rows (specs/backends.md A5.1–A5.3): one row per event, keyed by the escaped instance id and the
// event's position as 16 upper-case hex digits, with Edm types the .NET reader's typed getters expect
// (Int32, Boolean, DateTime), enum names as strings and nested objects as plain JSON strings.

import { RUNTIME_STATUSES, type HistoryEvent, type RuntimeStatus } from '../../core';
import { stripTypeNames, type DotNetObject } from './dotnet-json';
import { readHistoryEvent, writeHistoryEvent, DT_EVENT_TYPES, type DtEventType, type DtFieldReader, type DtFieldWriter } from './history-event-fields';

/** A table entity as @azure/data-tables reads and writes it. */
export type TableRow = Record<string, unknown> & { partitionKey: string; rowKey: string };

export const SENTINEL_ROW_KEY = 'sentinel';

/** A5.1: position within the current execution as `X16`. */
export function historyRowKey(sequence: number): string {
  return sequence.toString(16).toUpperCase().padStart(16, '0');
}

/** `Timestamp` is reserved by the table service, so the event time is stored as `_Timestamp` (A5.3). */
const RENAMED: Record<string, string> = { Timestamp: '_Timestamp' };

export function historyEventToRow(event: HistoryEvent, partitionKey: string, sequence: number, executionId: string): TableRow {
  const writer = new RowFieldWriter({ partitionKey, rowKey: historyRowKey(sequence), ExecutionId: executionId });
  writeHistoryEvent(event, writer);
  return writer.row;
}

export function rowToHistoryEvent(row: Record<string, unknown>, instanceId: string): HistoryEvent {
  return readHistoryEvent(new RowFieldReader(row), instanceId);
}

/** Edm-typed values as @azure/data-tables serializes them. */
export function edmDateTime(iso: string): { type: 'DateTime'; value: string } {
  return { type: 'DateTime', value: iso };
}

/** A DateTime column as read with type conversion on (a Date) or off (an Edm object), as ISO-8601. */
export function readDateColumn(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  if (value && typeof value === 'object' && 'value' in value) return new Date(String((value as { value: unknown }).value)).toISOString();
  return undefined;
}

class RowFieldWriter implements DtFieldWriter {
  constructor(readonly row: TableRow) {}

  eventType(type: DtEventType): void {
    this.row.EventType = type;
  }
  string(name: string, value: string | undefined): void {
    if (value !== undefined) this.row[RENAMED[name] ?? name] = value;
  }
  int(name: string, value: number): void {
    // An integral JSON number without annotation is stored as Edm.Int32.
    this.row[RENAMED[name] ?? name] = value;
  }
  bool(name: string, value: boolean): void {
    this.row[RENAMED[name] ?? name] = value;
  }
  date(name: string, value: string | undefined): void {
    if (value !== undefined) this.row[RENAMED[name] ?? name] = edmDateTime(value);
  }
  object(name: string, value: DotNetObject | null): void {
    // A5.3: a null object member is written as the string "null".
    this.row[RENAMED[name] ?? name] = value === null ? 'null' : JSON.stringify(stripTypeNames(value));
  }
  status(name: string, value: RuntimeStatus): void {
    this.row[RENAMED[name] ?? name] = value;
  }
}

class RowFieldReader implements DtFieldReader {
  constructor(private readonly row: Record<string, unknown>) {}

  private get(name: string): unknown {
    return this.row[RENAMED[name] ?? name];
  }
  eventType(): DtEventType {
    const value = this.row.EventType;
    const type = DT_EVENT_TYPES.find((t) => t === value);
    if (!type) throw new Error(`History row ${String(this.row.rowKey)} has unknown EventType ${JSON.stringify(value)}`);
    return type;
  }
  string(name: string): string | undefined {
    const value = this.get(name);
    return typeof value === 'string' ? value : undefined;
  }
  int(name: string): number | undefined {
    const value = this.get(name);
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    return undefined;
  }
  bool(name: string): boolean | undefined {
    const value = this.get(name);
    return typeof value === 'boolean' ? value : undefined;
  }
  date(name: string): string | undefined {
    return readDateColumn(this.get(name));
  }
  object<T>(name: string): T | undefined {
    const value = this.get(name);
    if (typeof value !== 'string' || value === 'null' || value === '') return undefined;
    return JSON.parse(value) as T;
  }
  status(name: string): RuntimeStatus | undefined {
    const value = this.get(name);
    return RUNTIME_STATUSES.find((s) => s === value);
  }
}
