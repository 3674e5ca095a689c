// Typed errors of the adapter. The first two end the orchestration as Failed with their message; the third
// means the work item itself is malformed (an engine bug) and is thrown to the worker.

import { DurableRuntimeError } from '../core';

/** The orchestrator's code no longer schedules what its history recorded (specs/durable-functions-protocol.md §9.1). */
export class NonDeterministicOrchestrationError extends DurableRuntimeError {
}

/** The library returned something this adapter cannot translate (an unknown action, bad retry options, …). */
export class OrchestratorProtocolError extends DurableRuntimeError {
}

/** The work item lacks what every episode needs (its orchestratorStarted, the executionStarted event). */
export class OrchestratorWorkItemError extends DurableRuntimeError {
}
