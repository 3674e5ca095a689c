// Errors of the Durable Task Scheduler connection, each naming the setting or the endpoint it is about and what
// to do, so a start-up failure is one clear line.

import { status as Status } from '@grpc/grpc-js';

/** The connection-string app setting (or the hub name that must agree with it) is wrong. */
export class SchedulerSettingError extends Error {
  constructor(readonly settingName: string, problem: string) {
    super(`The app setting ${settingName} ${problem}`);
    this.name = 'SchedulerSettingError';
  }
}

/** The Scheduler could not be reached, refused the identity, or does not have the task hub. */
export class SchedulerConnectionError extends Error {
  /** The Scheduler did not answer (down, or too slow), as opposed to refusing: callers may say "try again later". */
  readonly unreachable: boolean;
  constructor(message: string, readonly code?: number) {
    super(message);
    this.name = 'SchedulerConnectionError';
    this.unreachable = code === Status.UNAVAILABLE || code === Status.DEADLINE_EXCEEDED;
  }
}

/** The role an identity needs on the task hub or scheduler (specs/azure-deployment.md §2.2). */
export const SCHEDULER_DATA_ROLE = 'Durable Task Data Contributor';

/** Where a call went, for messages about failed calls. */
export interface SchedulerTarget {
  endpoint: string;
  taskHub: string;
  /** The app setting holding the connection string, when there is one. */
  settingName?: string;
}

/** A gRPC ServiceError, recognised by shape (grpc-js status code and details). */
export function grpcStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * One sentence on why a call to the Scheduler failed and what to do, for the status codes a worker meets on the
 * stream (specs/backends.md B2, last paragraph).
 */
export function describeSchedulerFailure(error: unknown, target: SchedulerTarget): string {
  // grpc-js details can end in an empty "Resolution note: "; the sentences below add their own full stop.
  const raw = (error as { details?: string } | undefined)?.details || (error instanceof Error ? error.message : String(error));
  const details = raw.replace(/\s*(Resolution note:)?[\s.:]*$/, '');
  const setting = target.settingName ? ` (the Endpoint in ${target.settingName})` : '';
  switch (grpcStatusOf(error)) {
    case Status.UNAVAILABLE:
      return `Nothing answers at ${target.endpoint}${setting}: ${details}. Start the Scheduler (durable-runtime emulator for a local endpoint) or fix the Endpoint.`;
    case Status.CANCELLED:
      return `The Scheduler at ${target.endpoint} ended the call (CANCELLED: ${details}); it is probably stopping or restarting.`;
    case Status.DEADLINE_EXCEEDED:
      return `The Scheduler at ${target.endpoint}${setting} did not answer in time: ${details}.`;
    case Status.UNAUTHENTICATED:
      return `The Scheduler at ${target.endpoint} refused the token (UNAUTHENTICATED: ${details}). Check the Authentication and ClientID settings; the identity needs the '${SCHEDULER_DATA_ROLE}' role on task hub '${target.taskHub}' or its scheduler.`;
    case Status.PERMISSION_DENIED:
      return `The identity may not use task hub '${target.taskHub}' at ${target.endpoint} (PERMISSION_DENIED: ${details}). Assign it the '${SCHEDULER_DATA_ROLE}' role on the task hub or its scheduler.`;
    case Status.NOT_FOUND:
      return `The Scheduler at ${target.endpoint} has no task hub '${target.taskHub}' (NOT_FOUND: ${details}). Create it (az durabletask taskhub create) or name an existing one in hubName / TaskHub.`;
    case Status.UNIMPLEMENTED:
      return `The server at ${target.endpoint} does not implement this Scheduler call (UNIMPLEMENTED: ${details}).`;
    default:
      return `The Scheduler call to ${target.endpoint} failed: ${details}`;
  }
}
