// Orchestration runtime status, by the names Durable Functions shows (specs/durable-functions-protocol.md §7).
// Backends map these to their own encodings (numbers on the Azure Storage queues, enum names in tables).

export const RUNTIME_STATUSES = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
] as const;

export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

/** The .NET / DTS numbering: Running=0 … Suspended=7 (specs/backends.md A4.2, B3). */
export function runtimeStatusToNumber(status: RuntimeStatus): number {
  return RUNTIME_STATUSES.indexOf(status);
}

export function runtimeStatusFromNumber(value: number): RuntimeStatus {
  const status = RUNTIME_STATUSES[value];
  if (status === undefined) throw new RangeError(`Unknown orchestration status number ${value}`);
  return status;
}

export function isRuntimeStatus(value: string): value is RuntimeStatus {
  return (RUNTIME_STATUSES as readonly string[]).includes(value);
}

/** Finished instances: no further episode runs unless the instance is rewound or restarted. */
export function isTerminal(status: RuntimeStatus): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Terminated' || status === 'Canceled';
}

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = RUNTIME_STATUSES.filter(isTerminal);
