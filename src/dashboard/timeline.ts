// The instance view's Gantt chart, from the history alone: one bar per orchestrator episode (orchestratorStarted
// to orchestratorCompleted), per activity attempt and sub-orchestration (scheduled to completed or failed), per
// timer (created to fired), and a mark per event received. Bars of one name share a lane, so retries of an
// activity show as gaps in its row; calls that overlap (fan-out) take the next lane of that name.

import { isTerminal, type HistoryEvent, type RuntimeStatus } from '../core';
import type { TimelineBar, TimelineKind } from './web/api-types';

type OpenBar = Omit<TimelineBar, 'lane'>;

export function timelineOf(history: readonly HistoryEvent[], status: RuntimeStatus): TimelineBar[] {
  const bars: OpenBar[] = [];
  /** Scheduled tasks, sub-orchestrations and timers by event id, until their outcome arrives. */
  const open = new Map<number, OpenBar>();
  let episode: OpenBar | undefined;
  const start = (bar: OpenBar, eventId: number) => {
    bars.push(bar);
    open.set(eventId, bar);
  };
  const finish = (eventId: number, end: string, outcome: TimelineBar['outcome'], detail?: string) => {
    const bar = open.get(eventId);
    if (!bar) return;
    open.delete(eventId);
    bar.end = end;
    bar.outcome = outcome;
    if (detail !== undefined) bar.detail = detail;
  };

  for (const event of history) {
    switch (event.type) {
      case 'orchestratorStarted':
        episode = { kind: 'episode', label: 'orchestrator', start: event.timestamp, outcome: 'running' };
        bars.push(episode);
        break;
      case 'orchestratorCompleted':
        if (episode) Object.assign(episode, { end: event.timestamp, outcome: episode.outcome === 'running' ? 'completed' : episode.outcome });
        episode = undefined;
        break;
      case 'taskScheduled':
        start({ kind: 'activity', label: event.name, start: event.timestamp, outcome: 'running', eventId: event.eventId }, event.eventId);
        break;
      case 'taskCompleted':
        finish(event.taskScheduledId, event.timestamp, 'completed');
        break;
      case 'taskFailed':
        finish(event.taskScheduledId, event.timestamp, 'failed', event.failureDetails.errorMessage);
        break;
      case 'subOrchestrationInstanceCreated':
        start(
          { kind: 'subOrchestration', label: event.name, start: event.timestamp, outcome: 'running', eventId: event.eventId, instanceId: event.instanceId },
          event.eventId,
        );
        break;
      case 'subOrchestrationInstanceCompleted':
        finish(event.taskScheduledId, event.timestamp, 'completed');
        break;
      case 'subOrchestrationInstanceFailed':
        finish(event.taskScheduledId, event.timestamp, 'failed', event.failureDetails.errorMessage);
        break;
      case 'timerCreated':
        start({ kind: 'timer', label: 'timer', start: event.timestamp, outcome: 'running', eventId: event.eventId, detail: `fires at ${event.fireAt}` }, event.eventId);
        break;
      case 'timerFired':
        // The fired event is stamped when the timer was set; it fires at fireAt.
        finish(event.timerId, event.fireAt > event.timestamp ? event.fireAt : event.timestamp, 'completed');
        break;
      case 'eventRaised':
        bars.push({ kind: 'event', label: event.name, start: event.timestamp, end: event.timestamp, outcome: 'completed' });
        break;
      case 'executionCompleted':
        if (event.failureDetails && episode) episode.detail = event.failureDetails.errorMessage;
        if (episode && event.orchestrationStatus === 'Failed') episode.outcome = 'failed';
        break;
      default:
        break;
    }
  }
  // A finished instance leaves nothing running: what never completed (a timer raced by an event) just stopped.
  if (isTerminal(status)) for (const bar of bars) if (bar.end === undefined && bar.kind !== 'episode') bar.outcome = 'completed';
  if (status === 'Running' && open.size === 0 && episode === undefined && history.length > 0) {
    // Nothing scheduled is outstanding: the orchestration waits for an external event (or an entity).
    bars.push({ kind: 'wait', label: 'waiting for an event', start: history[history.length - 1].timestamp, outcome: 'running' });
  }
  return assignLanes(bars);
}

/** Per kind and label, each bar takes the first lane whose last bar ended before it starts. */
function assignLanes(bars: OpenBar[]): TimelineBar[] {
  const laneEnds = new Map<string, number[]>();
  const order: TimelineKind[] = ['episode', 'activity', 'subOrchestration', 'timer', 'event', 'wait'];
  return bars.map((bar) => {
    const key = `${order.indexOf(bar.kind)}:${bar.label}`;
    const ends = laneEnds.get(key) ?? [];
    laneEnds.set(key, ends);
    const startMs = Date.parse(bar.start);
    const endMs = bar.end === undefined ? Infinity : Date.parse(bar.end);
    let lane = ends.findIndex((end) => end <= startMs);
    if (lane < 0) lane = ends.length;
    ends[lane] = endMs;
    return { ...bar, lane };
  });
}
