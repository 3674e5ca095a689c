// How many actions user code had yielded, and whether it had finished, just before each dynamic trigger of this
// episode (specs/durable-functions-protocol.md §3.4.3). The library allocates a trigger's dynamic id while it
// processes the trigger, after the static ids of everything yielded before it, so the ids interleave.

import type { HistoryEvent } from '../core';

/** What a replay cut at some point had produced: static slots reached, and whether the orchestration had ended. */
export interface SegmentState {
  reached: number;
  final: boolean;
}

/**
 * The state before each trigger k (k < triggers.length) and after the whole episode (k = triggers.length).
 * `measure(n)` replays the history cut after `n` new events. Both values only grow along the episode, so a
 * stretch whose ends agree needs no replay inside it: binary splitting keeps the replays to a few per change.
 * A stretch without an event that can resume user code cannot change anything at all.
 */
export async function segmentStates(
  newEvents: readonly HistoryEvent[],
  triggerPositions: readonly number[],
  before: SegmentState,
  after: SegmentState,
  measure: (newCount: number) => Promise<SegmentState>,
): Promise<SegmentState[]> {
  const count = triggerPositions.length;
  const end = (k: number) => (k === count ? newEvents.length : triggerPositions[k]);
  const start = (k: number) => (k === 0 ? 0 : triggerPositions[k - 1] + 1);
  const states: (SegmentState | undefined)[] = new Array(count + 1);
  states[count] = after;
  // Points whose stretch can change the state; -1 stands for "before this episode".
  const points = [-1];
  for (let k = 0; k < count; k++) if (newEvents.slice(start(k), end(k)).some(canResumeUserCode)) points.push(k);
  points.push(count);
  const stateAt = (k: number) => (k < 0 ? before : (states[k] as SegmentState));

  const fill = async (i: number, j: number): Promise<void> => {
    if (j - i <= 1) return;
    const low = stateAt(points[i]);
    const high = stateAt(points[j]);
    if (low.reached === high.reached && low.final === high.final) {
      for (let m = i + 1; m < j; m++) states[points[m]] = low;
      return;
    }
    const mid = (i + j) >> 1;
    states[points[mid]] = await measure(end(points[mid]));
    await fill(i, mid);
    await fill(mid, j);
  };
  await fill(0, points.length - 1);

  for (let k = 0; k <= count; k++) states[k] ??= k === 0 ? before : states[k - 1];
  return states as SegmentState[];
}

/** Events the library hands to a task before it tries to resume user code (§2.2 "library use"). */
export function canResumeUserCode(event: HistoryEvent): boolean {
  switch (event.type) {
    case 'executionStarted':
    case 'taskCompleted':
    case 'taskFailed':
    case 'subOrchestrationInstanceCompleted':
    case 'subOrchestrationInstanceFailed':
    case 'timerFired':
    case 'eventRaised':
    case 'entityOperationCompleted':
    case 'entityOperationFailed':
    case 'entityLockGranted':
      return true;
    default:
      return false;
  }
}
