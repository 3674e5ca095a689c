// The cached JSON texts of history events (src/durable-functions/history-json.ts): always exactly what rendering the
// events gives, whether the next episode brings the same objects, equal copies, or a different event at a position.

import type { HistoryEvent } from '../../../src/core';
import { forgetRenderedEvents, renderedEventsJson } from '../../../src/durable-functions/history-json';
import { renderEvent, type RenderContext } from '../../../src/durable-functions/history-rendering';

const T0 = '2024-01-01T00:00:00.000Z';
const T1 = '2024-01-01T00:00:01.000Z';
const context: RenderContext = { instanceId: 'history-json', executionId: 'exec-1', scheduledNames: new Map([[0, 'Hello']]) };

function history(result: string): HistoryEvent[] {
  return [
    { type: 'orchestratorStarted', eventId: -1, timestamp: T0 },
    { type: 'executionStarted', eventId: -1, timestamp: T0, name: 'Greet', orchestrationInstance: { instanceId: 'history-json', executionId: 'exec-1' } },
    { type: 'taskScheduled', eventId: 0, timestamp: T0, name: 'Hello', input: '"Tokyo"' },
    { type: 'orchestratorCompleted', eventId: -1, timestamp: T0 },
    { type: 'orchestratorStarted', eventId: -1, timestamp: T1 },
    { type: 'taskCompleted', eventId: -1, timestamp: T1, taskScheduledId: 0, result },
  ] as HistoryEvent[];
}

const rendered = (events: HistoryEvent[], playedBefore: number) => events.map((event, i) => JSON.stringify(renderEvent(event, i < playedBefore, context)));

describe('rendered event texts', () => {
  afterEach(() => forgetRenderedEvents(context));

  it('are the events rendered and serialized, played before the current episode and new after it', () => {
    const events = history('"Hello Tokyo"');
    expect(renderedEventsJson(events, 6, 4, context)).toEqual(rendered(events, 4));
    expect(renderedEventsJson(events, 3, 3, context)).toEqual(rendered(events.slice(0, 3), 3));
  });

  it('stay right for equal copies of the events, as a backend that stores copies hands out', () => {
    const events = history('"Hello Tokyo"');
    renderedEventsJson(events, 4, 0, context);
    const copies = structuredClone(events);
    expect(renderedEventsJson(copies, 6, 4, context)).toEqual(rendered(copies, 4));
  });

  it('follow a different event at a position (a rewritten history), not the text cached for the old one', () => {
    renderedEventsJson(history('"Hello Tokyo"'), 6, 4, context);
    const rewritten = history('"Hello Lima"');
    const texts = renderedEventsJson(rewritten, 6, 4, context);
    expect(texts).toEqual(rendered(rewritten, 4));
    expect(texts[5]).toContain('Hello Lima');
  });
});
