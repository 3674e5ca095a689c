// Which sequence numbers the library has allocated so far, and for what, derived from history alone so any worker
// can run the next episode (specs/durable-functions-protocol.md §3.4).
//
// Every allocated id is materialized as the event its action writes. Within one episode the adapter emits the
// dynamic ids (retry timers and attempts, §3.4.2) before the static ones, so replaying the past is exact: an
// episode's first D scheduled events belong to the D dynamic requests its inbound events triggered, in order,
// and the rest are the next static slots of the action list, in order.

import type { HistoryEvent } from '../core';
import { isRetrySlot, type Slot } from './action-slots';
import { NonDeterministicOrchestrationError } from './errors';
import { describeEvent, missingSlot, slotMatchesEvent, slotMismatch, type DeterminismContext } from './nondeterminism';
import type { ReplayHistory } from './replay-history';
import { RetryChains, type DynamicRequest, type FailureTextOf } from './retry-chains';

export class IdLedger {
  readonly chains = new RetryChains();
  /** Static slots materialized so far; the next new slot is `slots[staticCount]`. */
  staticCount = 0;
  nextId = 0;
  /** Recorded static events the current action list no longer reaches (a shrinking list, §9.1). */
  readonly unmatched: { id: number; event: HistoryEvent }[] = [];

  /**
   * Replays the past episodes against the current action list. Throws NonDeterministicOrchestrationError when a
   * recorded event does not match the slot at its position.
   */
  static fromPast(history: ReplayHistory, slots: readonly Slot[], failureText: FailureTextOf, context: DeterminismContext): IdLedger {
    const ledger = new IdLedger();
    ledger.nextId = history.nextSequenceNumber;
    for (const episode of history.pastEpisodes) {
      const requests = episode.inbound.map((event) => ledger.chains.observe(event, episode.time, failureText)).filter((r): r is DynamicRequest => !!r);
      episode.scheduled.forEach((event, index) => {
        if (index < requests.length) ledger.recordDynamic(event, requests[index], context);
        else ledger.recordStatic(event, slots, episode.time, context);
      });
    }
    return ledger;
  }

  allocateDynamic(request: DynamicRequest): number {
    const id = this.nextId++;
    this.chains.bind(id, request);
    return id;
  }

  allocateStatic(slot: Slot, time: number): number {
    const id = this.nextId++;
    this.staticCount += 1;
    if (isRetrySlot(slot)) this.chains.start(id, slot, time);
    return id;
  }

  private recordDynamic(event: HistoryEvent, request: DynamicRequest, context: DeterminismContext): void {
    const expected =
      request.kind === 'retryTimer' ? event.type === 'timerCreated' : event.type === 'taskScheduled' || event.type === 'subOrchestrationInstanceCreated';
    if (!expected) {
      const what = request.kind === 'retryTimer' ? 'its retry timer' : 'its next attempt';
      throw new NonDeterministicOrchestrationError(
        `Non-Deterministic workflow detected in orchestration '${context.orchestrationName}' (instance '${context.instanceId}'): ` +
          `the retried call to '${request.chain.slot.name}' expected ${what} at sequence number ${event.eventId}, but history recorded ${describeEvent(event)} there. ` +
          'Was a retry added to or removed from a call while this instance was running?',
      );
    }
    this.chains.bind(event.eventId, request);
  }

  private recordStatic(event: HistoryEvent, slots: readonly Slot[], time: number, context: DeterminismContext): void {
    const slot = slots[this.staticCount];
    this.staticCount += 1;
    if (!slot) {
      this.unmatched.push({ id: event.eventId, event });
      return;
    }
    if (!slotMatchesEvent(slot, event)) throw slotMismatch(context, event.eventId, event, slot);
    if (isRetrySlot(slot)) this.chains.start(event.eventId, slot, time);
  }

  /** §9.1: the list shrank below what history recorded. */
  shrinkError(context: DeterminismContext, scheduledNow: number): NonDeterministicOrchestrationError | undefined {
    const first = this.unmatched[0];
    return first && missingSlot(context, first.id, first.event, scheduledNow);
  }
}
