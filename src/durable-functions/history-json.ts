// Rendered history events as JSON text, cached per execution. Backends that keep history as shared, frozen objects
// (the memory backend) hand the same event objects to every episode of an instance, so each event is rendered and
// serialized once in its life instead of once per episode. Other backends simply miss the cache.
//
// The cache is keyed by the execution's executionStarted event and holds the texts by position, each checked against
// the event it was made from: one WeakMap lookup per episode instead of one per event (a WeakMap insert costs about
// half a microsecond, more than rendering a small event, and every entry is an ephemeron the GC must trace).

import type { HistoryEvent } from '../core';
import { renderEvent, type RenderContext } from './history-rendering';

interface ExecutionTexts {
  /** The event each position's texts were made from. */
  events: HistoryEvent[];
  /** The event as a new one (`IsPlayed` false); null when it renders to nothing. */
  fresh: (string | null)[];
  /** The event as a played one, made from `fresh` when first asked for. */
  played: (string | null | undefined)[];
}

const cache = new WeakMap<HistoryEvent, ExecutionTexts>();

/**
 * Every rendering begins `{"EventType":<n>,"EventId":<n>,"IsPlayed":…` (renderEvent spreads its envelope right
 * after the type), and the two renderings differ in that flag only: the first occurrence is the envelope's.
 */
const FRESH_FLAG = '"IsPlayed":false';
const PLAYED_FLAG = '"IsPlayed":true';

/**
 * `JSON.stringify(renderEvent(events[i], i < playedBefore, context))` for each of the first `count` events, leaving
 * out those durable-functions has no number for. `execution` is the execution's executionStarted event; the context
 * is the same for every episode of it (its instance, execution and the names of the tasks scheduled before each
 * event), so a text cached for an event stays right.
 */
export function renderedEventsJson(
  execution: HistoryEvent,
  events: readonly HistoryEvent[],
  count: number,
  playedBefore: number,
  context: RenderContext,
): string[] {
  let texts = cache.get(execution);
  if (texts === undefined) cache.set(execution, (texts = { events: [], fresh: [], played: [] }));
  const parts: string[] = [];
  for (let i = 0; i < count && i < events.length; i++) {
    const event = events[i];
    if (texts.events[i] !== event) {
      const js = renderEvent(event, false, context);
      texts.events[i] = event;
      texts.fresh[i] = js ? JSON.stringify(js) : null;
      texts.played[i] = undefined;
    }
    const fresh = texts.fresh[i];
    if (fresh === null) continue;
    if (i >= playedBefore) {
      parts.push(fresh);
      continue;
    }
    let played = texts.played[i];
    if (played === undefined) texts.played[i] = played = playedJson(fresh, event, context);
    if (played !== null) parts.push(played);
  }
  return parts;
}

function playedJson(fresh: string, event: HistoryEvent, context: RenderContext): string {
  const at = fresh.indexOf(FRESH_FLAG);
  if (at < 0) return JSON.stringify(renderEvent(event, true, context));
  return fresh.slice(0, at) + PLAYED_FLAG + fresh.slice(at + FRESH_FLAG.length);
}
