// The timeline is built from history alone: episodes, activity attempts (retries share a row, so the waits
// between them are gaps), sub-orchestrations, timers, events, and the open wait of a running instance.
import type { HistoryEvent } from '../../../src/core';
import { timelineOf } from '../../../src/dashboard/timeline';

const at = (s: number) => new Date(Date.UTC(2024, 0, 1) + s * 1000).toISOString();
const failure = { errorType: 'Error', errorMessage: 'down' };

describe('timelineOf', () => {
  const history: HistoryEvent[] = [
    { type: 'orchestratorStarted', eventId: -1, timestamp: at(0) },
    { type: 'executionStarted', eventId: -1, timestamp: at(0), name: 'Job', orchestrationInstance: { instanceId: 'i', executionId: 'e' } },
    { type: 'taskScheduled', eventId: 0, timestamp: at(1), name: 'Fetch' },
    { type: 'taskScheduled', eventId: 1, timestamp: at(1), name: 'Fetch' },
    { type: 'orchestratorCompleted', eventId: -1, timestamp: at(1) },
    { type: 'orchestratorStarted', eventId: -1, timestamp: at(3) },
    { type: 'taskFailed', eventId: -1, timestamp: at(2), taskScheduledId: 0, failureDetails: failure },
    { type: 'taskCompleted', eventId: -1, timestamp: at(3), taskScheduledId: 1 },
    { type: 'timerCreated', eventId: 2, timestamp: at(3), fireAt: at(8) },
    { type: 'orchestratorCompleted', eventId: -1, timestamp: at(3) },
    { type: 'orchestratorStarted', eventId: -1, timestamp: at(8) },
    { type: 'timerFired', eventId: -1, timestamp: at(8), timerId: 2, fireAt: at(8) },
    { type: 'taskScheduled', eventId: 3, timestamp: at(8), name: 'Fetch' },
    { type: 'subOrchestrationInstanceCreated', eventId: 4, timestamp: at(8), name: 'Child', instanceId: 'i:child' },
    { type: 'orchestratorCompleted', eventId: -1, timestamp: at(8) },
    { type: 'orchestratorStarted', eventId: -1, timestamp: at(9) },
    { type: 'taskCompleted', eventId: -1, timestamp: at(9), taskScheduledId: 3 },
    { type: 'eventRaised', eventId: -1, timestamp: at(9), name: 'Go' },
    { type: 'orchestratorCompleted', eventId: -1, timestamp: at(9) },
  ];

  it('shows attempts of one activity in one row with the retry wait as a gap, and parallel calls in the next row', () => {
    const fetches = timelineOf(history, 'Running').filter((bar) => bar.kind === 'activity');
    expect(fetches).toEqual([
      { kind: 'activity', label: 'Fetch', start: at(1), end: at(2), outcome: 'failed', detail: 'down', eventId: 0, lane: 0 },
      { kind: 'activity', label: 'Fetch', start: at(1), end: at(3), outcome: 'completed', eventId: 1, lane: 1 },
      // The retry after the timer: back in the first row, after a gap from 2 s to 8 s.
      { kind: 'activity', label: 'Fetch', start: at(8), end: at(9), outcome: 'completed', eventId: 3, lane: 0 },
    ]);
  });

  it('shows episodes, timers, sub-orchestrations still running and events received', () => {
    const bars = timelineOf(history, 'Running');
    expect(bars.filter((bar) => bar.kind === 'episode').map((bar) => [bar.start, bar.end])).toEqual([[at(0), at(1)], [at(3), at(3)], [at(8), at(8)], [at(9), at(9)]]);
    expect(bars.find((bar) => bar.kind === 'timer')).toMatchObject({ start: at(3), end: at(8), outcome: 'completed', detail: `fires at ${at(8)}` });
    expect(bars.find((bar) => bar.kind === 'subOrchestration')).toMatchObject({ label: 'Child', instanceId: 'i:child', outcome: 'running' });
    expect(bars.find((bar) => bar.kind === 'subOrchestration')).not.toHaveProperty('end');
    expect(bars.find((bar) => bar.kind === 'event')).toMatchObject({ label: 'Go', start: at(9), end: at(9) });
    // Something is still outstanding (the sub-orchestration), so this is not a wait for an event.
    expect(bars.some((bar) => bar.kind === 'wait')).toBe(false);
  });

  it('shows a running instance with nothing outstanding as waiting, and a finished one with nothing running', () => {
    const waiting = history.slice(0, 5).concat([
      { type: 'orchestratorStarted', eventId: -1, timestamp: at(3) },
      { type: 'taskFailed', eventId: -1, timestamp: at(2), taskScheduledId: 0, failureDetails: failure },
      { type: 'taskCompleted', eventId: -1, timestamp: at(3), taskScheduledId: 1 },
      { type: 'orchestratorCompleted', eventId: -1, timestamp: at(3) },
    ]);
    expect(timelineOf(waiting, 'Running').at(-1)).toEqual({ kind: 'wait', label: 'waiting for an event', start: at(3), outcome: 'running', lane: 0 });
    const finished = timelineOf(history, 'Terminated');
    expect(finished.filter((bar) => bar.outcome === 'running')).toEqual([]);
  });
});
