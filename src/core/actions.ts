// What an orchestrator episode asks for (specs/backends.md B3 `OrchestratorAction`). `id` is the
// sequence number that becomes the `eventId` of the history event the action creates.

import type { FailureDetails } from './failure';
import type { EventBody, HistoryEvent } from './history';
import type { RuntimeStatus } from './status';

export interface ScheduleTaskAction {
  type: 'scheduleTask';
  id: number;
  name: string;
  version?: string;
  input?: string;
  tags?: Record<string, string>;
}
export interface CreateSubOrchestrationAction {
  type: 'createSubOrchestration';
  id: number;
  instanceId: string;
  name: string;
  version?: string;
  input?: string;
}
export interface CreateTimerAction {
  type: 'createTimer';
  id: number;
  fireAt: string;
}
export interface SendEventAction {
  type: 'sendEvent';
  id: number;
  instanceId: string;
  name: string;
  data?: string;
}
export interface CompleteOrchestrationAction {
  type: 'completeOrchestration';
  id: number;
  orchestrationStatus: Extract<RuntimeStatus, 'Completed' | 'Failed' | 'ContinuedAsNew' | 'Terminated'>;
  result?: string;
  failureDetails?: FailureDetails;
  newVersion?: string;
  /** With ContinuedAsNew: events to hand to the next execution (unused by durable-functions v3). */
  carryoverEvents?: HistoryEvent[];
}
export interface TerminateOrchestrationAction {
  type: 'terminateOrchestration';
  id: number;
  instanceId: string;
  reason?: string;
  recurse?: boolean;
}
export type EntityMessage =
  | EventBody<'entityOperationSignaled'>
  | EventBody<'entityOperationCalled'>
  | EventBody<'entityLockRequested'>
  | EventBody<'entityUnlockSent'>;
export interface SendEntityMessageAction {
  type: 'sendEntityMessage';
  id: number;
  message: EntityMessage;
}

export type OrchestratorAction =
  | ScheduleTaskAction
  | CreateSubOrchestrationAction
  | CreateTimerAction
  | SendEventAction
  | CompleteOrchestrationAction
  | TerminateOrchestrationAction
  | SendEntityMessageAction;

