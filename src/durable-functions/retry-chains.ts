// The library's RetryableTask, replayed without user code: which history events make it allocate a sequence
// number, and for what (specs/durable-functions-protocol.md §3.4.2; durable-functions `task/RetryableTask.js`).

import type { HistoryEvent } from '../core';
import type { RetrySlot } from './action-slots';

export interface RetryChain {
  /** The retried call, as the action list has it. */
  slot: RetrySlot;
  /** `currentUtcDateTime` when the first attempt was scheduled: the retry timeout counts from here (DTFx). */
  startedAt: number;
  /** The library's `attemptNumber`: 1 while the first attempt runs, incremented on every failure. */
  attempt: number;
  currentAttemptId: number;
  waitingForTimer: boolean;
  timerId?: number;
  /** The last failure as the orchestrator saw it, and when (episode time) it was processed. */
  lastFailure?: { reason: string; details: string; at: number };
  settled: boolean;
}

/** A sequence number the library allocates while processing an event (§3.4.2 table). */
export type DynamicRequest = { kind: 'retryTimer'; chain: RetryChain } | { kind: 'retryAttempt'; chain: RetryChain };

/** The failure text of a failure event as rendered to the orchestrator (Reason and Details, §5.2). */
export type FailureTextOf = (event: Extract<HistoryEvent, { type: 'taskFailed' | 'subOrchestrationInstanceFailed' }>) => { reason: string; details: string };

export class RetryChains {
  private readonly byId = new Map<number, RetryChain>();

  /** The first attempt is the retry action's own static id. */
  start(id: number, slot: RetrySlot, time: number): void {
    this.byId.set(id, { slot, startedAt: time, attempt: 1, currentAttemptId: id, waitingForTimer: false, settled: false });
  }

  /**
   * Advances the chain an event belongs to, exactly as the library does when it processes that event, and says
   * whether the library allocated a sequence number for it: a failed attempt waits for a timer (always, also after
   * the last attempt); a fired retry timer schedules the next attempt while attempts remain.
   */
  observe(event: HistoryEvent, time: number, failureText: FailureTextOf): DynamicRequest | undefined {
    switch (event.type) {
      case 'taskFailed':
      case 'subOrchestrationInstanceFailed': {
        const chain = this.attemptChain(event.taskScheduledId);
        if (!chain) return undefined;
        chain.attempt += 1;
        chain.waitingForTimer = true;
        chain.lastFailure = { ...failureText(event), at: time };
        return { kind: 'retryTimer', chain };
      }
      case 'taskCompleted':
      case 'subOrchestrationInstanceCompleted': {
        const chain = this.attemptChain(event.taskScheduledId);
        if (chain) chain.settled = true;
        return undefined;
      }
      case 'timerFired': {
        const chain = this.byId.get(event.timerId);
        if (!chain || chain.settled || !chain.waitingForTimer || chain.timerId !== event.timerId) return undefined;
        chain.waitingForTimer = false;
        if (chain.attempt > chain.slot.retry.maxNumberOfAttempts) {
          chain.settled = true; // the library now fails the task with the last error
          return undefined;
        }
        return { kind: 'retryAttempt', chain };
      }
      default:
        return undefined;
    }
  }

  /** Records the sequence number the library gave a dynamic request. */
  bind(id: number, request: DynamicRequest): void {
    if (request.kind === 'retryTimer') request.chain.timerId = id;
    else request.chain.currentAttemptId = id;
    this.byId.set(id, request.chain);
  }

  private attemptChain(id: number): RetryChain | undefined {
    const chain = this.byId.get(id);
    return chain && !chain.settled && !chain.waitingForTimer && chain.currentAttemptId === id ? chain : undefined;
  }
}
