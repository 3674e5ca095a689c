// The history of one execution as durable-functions will replay it: in processing order (events that arrived
// while suspended moved after the resume), cut into episodes, and rendered to the library's JSON.

import { executionStartedEvent, type EventOf, type HistoryEvent, type OrchestratorWorkItem } from '../core';
import { OrchestratorWorkItemError } from './errors';
import { timestampMs } from './event-times';
import { renderedEventsJson } from './history-json';
import { JsEventType, renderEvent, scheduledNames, type JsHistoryEvent, type RenderContext } from './history-rendering';

/** One past episode: what it received and the events its actions wrote (eventId ≥ 0), both in history order. */
export interface PastEpisode {
  /** Epoch ms of its orchestratorStarted: `currentUtcDateTime` while it ran (§2.4). */
  time: number;
  inbound: HistoryEvent[];
  scheduled: HistoryEvent[];
}

const SCHEDULED_TYPES = new Set<HistoryEvent['type']>([
  'taskScheduled',
  'subOrchestrationInstanceCreated',
  'timerCreated',
  'eventSent',
  'entityOperationCalled',
  'entityOperationSignaled',
  'entityLockRequested',
  'entityUnlockSent',
]);

/** True for the events an orchestrator action writes at its id (the ids JS matches completions by, §3.4). */
export function isScheduledEvent(event: HistoryEvent): boolean {
  return event.eventId >= 0 && SCHEDULED_TYPES.has(event.type);
}

export class ReplayHistory {
  readonly started: EventOf<'executionStarted'>;
  /** Epoch ms of this episode's orchestratorStarted. */
  readonly episodeTime: number;
  readonly pastEpisodes: PastEpisode[];
  /** This episode's events after its orchestratorStarted, in processing order. */
  readonly newEvents: HistoryEvent[];
  readonly renderContext: RenderContext;
  /** One past the highest sequence number history holds. */
  readonly nextSequenceNumber: number;
  private readonly ordered: readonly HistoryEvent[];
  /** Index in `ordered` of this episode's orchestratorStarted. */
  private readonly currentStart: number;

  constructor(item: OrchestratorWorkItem) {
    const current = item.newEvents[0];
    if (current?.type !== 'orchestratorStarted') {
      throw new OrchestratorWorkItemError(
        `Orchestration work item for '${item.instanceId}' must begin its new events with orchestratorStarted (specs/durable-functions-protocol.md §2.3), but begins with ${current ? `'${current.type}'` : 'nothing'}.`,
      );
    }
    const all = [...item.pastEvents, ...item.newEvents];
    const started = executionStartedEvent(all);
    if (!started) {
      throw new OrchestratorWorkItemError(`Orchestration work item for '${item.instanceId}' has no executionStarted event, so there is nothing to run.`);
    }
    this.started = started;
    this.ordered = inProcessingOrder(all);
    this.currentStart = this.ordered.indexOf(current);
    this.episodeTime = timestampMs(current.timestamp);
    this.newEvents = this.ordered.slice(this.currentStart + 1);
    this.pastEpisodes = splitEpisodes(this.ordered.slice(0, this.currentStart));
    this.nextSequenceNumber = this.pastEpisodes.reduce((next, episode) => episode.scheduled.reduce((n, event) => Math.max(n, event.eventId + 1), next), 0);
    this.renderContext = { instanceId: item.instanceId, executionId: item.executionId, scheduledNames: scheduledNames(all) };
  }

  /**
   * The `history` of the trigger payload: past events, this episode's orchestratorStarted and its first `newCount`
   * events. `replayOnly` ends it with another orchestratorStarted of the same time, so the library treats all of
   * it as replay (`isReplaying` true): used for the extra invocations that only count actions (§3.4.3).
   */
  render(newCount = this.newEvents.length, replayOnly = false): JsHistoryEvent[] {
    const events = this.ordered.slice(0, this.currentStart + 1 + newCount);
    const rendered: JsHistoryEvent[] = [];
    events.forEach((event, index) => {
      // §2.3: IsPlayed is true for events of earlier episodes only.
      const js = renderEvent(event, index < this.currentStart, this.renderContext);
      if (js) rendered.push(js);
    });
    if (replayOnly) rendered.push(this.replayOnlyMarker());
    return rendered;
  }

  /** `JSON.stringify(this.render(newCount, replayOnly))`, from each event's cached text (history-json.ts). */
  renderJson(newCount = this.newEvents.length, replayOnly = false): string {
    const parts = renderedEventsJson(this.ordered, this.currentStart + 1 + newCount, this.currentStart, this.renderContext);
    if (replayOnly) parts.push(JSON.stringify(this.replayOnlyMarker()));
    return `[${parts.join(',')}]`;
  }

  private replayOnlyMarker(): JsHistoryEvent {
    return { EventType: JsEventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: new Date(this.episodeTime).toISOString() };
  }
}

/**
 * specs/durable-functions-protocol.md §9.12: JS ignores suspend/resume, so events that arrived while suspended are
 * moved to just after the executionResumed (DTFx's executor buffers them the same way). While still suspended they
 * are withheld. Only inbound events move; episode markers and the events actions wrote stay in place.
 */
export function inProcessingOrder(events: readonly HistoryEvent[]): readonly HistoryEvent[] {
  // Nearly every history has no suspension: nothing moves, and the events are already in processing order.
  if (!events.some((event) => event.type === 'executionSuspended')) return events;
  const ordered: HistoryEvent[] = [];
  let held: HistoryEvent[] | undefined;
  for (const event of events) {
    if (event.type === 'executionSuspended') {
      ordered.push(event);
      held ??= [];
    } else if (event.type === 'executionResumed') {
      ordered.push(event, ...(held ?? []));
      held = undefined;
    } else if (held && isBufferable(event)) {
      held.push(event);
    } else {
      ordered.push(event);
    }
  }
  return ordered;
}

function isBufferable(event: HistoryEvent): boolean {
  return event.eventId < 0 && event.type !== 'orchestratorStarted' && event.type !== 'orchestratorCompleted' && event.type !== 'executionStarted';
}

function splitEpisodes(events: readonly HistoryEvent[]): PastEpisode[] {
  const episodes: PastEpisode[] = [];
  let episode: PastEpisode | undefined;
  for (const event of events) {
    if (event.type === 'orchestratorStarted' || !episode) {
      episode = { time: timestampMs(event.timestamp), inbound: [], scheduled: [] };
      episodes.push(episode);
      if (event.type === 'orchestratorStarted') continue;
    }
    if (isScheduledEvent(event)) episode.scheduled.push(event);
    else if (event.eventId < 0 && event.type !== 'orchestratorCompleted') episode.inbound.push(event);
  }
  return episodes;
}
