// Which replays an episode needs to place its dynamic ids among the static ones (specs/durable-functions-protocol.md §3.4.3).

import type { HistoryEvent } from '../../../src/core';
import { segmentStates, type SegmentState } from '../../../src/durable-functions/episode-segments';

const completed = (id: number) => ({ type: 'taskCompleted', taskScheduledId: id, eventId: -1, timestamp: '2024-01-01T00:00:00.000Z' }) as HistoryEvent;
const failed = (id: number) => ({ type: 'taskFailed', taskScheduledId: id, eventId: -1, timestamp: '2024-01-01T00:00:00.000Z', failureDetails: { errorType: 'Error', errorMessage: 'x' } }) as HistoryEvent;

/** A fake replay: `truth[n]` is the state after n new events. */
function measuring(truth: SegmentState[]) {
  const calls: number[] = [];
  return { calls, measure: async (n: number) => (calls.push(n), truth[n]) };
}

it('needs no replay when the trigger comes first', async () => {
  const events = [failed(0), completed(1)];
  const { calls, measure } = measuring([]);
  const states = await segmentStates(events, [0], { reached: 2, final: false }, { reached: 3, final: false }, measure);
  expect(states).toEqual([{ reached: 2, final: false }, { reached: 3, final: false }]);
  expect(calls).toEqual([]);
});

it('replays the cut before a trigger that follows an event which can resume user code', async () => {
  const events = [completed(1), failed(0)];
  const { calls, measure } = measuring([{ reached: 2, final: false }, { reached: 3, final: false }]);
  const states = await segmentStates(events, [1], { reached: 2, final: false }, { reached: 3, final: false }, measure);
  expect(states).toEqual([{ reached: 3, final: false }, { reached: 3, final: false }]);
  expect(calls).toEqual([1]);
});

it('needs no replay when nothing changed over the episode, however many triggers it has', async () => {
  const events = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? completed(i) : failed(i)));
  const triggers = events.map((_, i) => i).filter((i) => i % 2 === 1);
  const { calls, measure } = measuring([]);
  const same = { reached: 5, final: false };
  const states = await segmentStates(events, triggers, same, same, measure);
  expect(states).toHaveLength(11);
  expect(states.every((s) => s.reached === 5)).toBe(true);
  expect(calls).toEqual([]);
});

it('finds one change among many triggers with a logarithmic number of replays', async () => {
  const events = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? completed(i) : failed(i)));
  const triggers = events.map((_, i) => i).filter((i) => i % 2 === 1);
  // User code yields one action while processing event 40.
  const truth = events.map((_, n) => ({ reached: n > 40 ? 6 : 5, final: false }));
  truth.push({ reached: 6, final: false });
  const { calls, measure } = measuring(truth);
  const states = await segmentStates(events, triggers, { reached: 5, final: false }, { reached: 6, final: false }, measure);
  expect(states).toEqual([...triggers.map((position) => truth[position]), truth[events.length]]);
  expect(calls.length).toBeLessThanOrEqual(6);
});
