// Rendered history events as JSON text, cached per event object. Backends that keep history as shared, frozen
// objects (the memory backend) hand the same event objects to every episode of an instance, so each event is
// rendered and serialized once in its life instead of once per episode. Other backends simply miss the cache.

import type { HistoryEvent } from '../core';
import { renderEvent, type RenderContext } from './history-rendering';

interface RenderedEvent {
  /** The event as a new one (`IsPlayed` false); null when it renders to nothing. */
  fresh: string | null;
  /** The event as a played one, made from `fresh` when first asked for. */
  played?: string | null;
}

const cache = new WeakMap<HistoryEvent, RenderedEvent>();

/**
 * Every rendering begins `{"EventType":<n>,"EventId":<n>,"IsPlayed":…` (renderEvent spreads its envelope right
 * after the type), and the two renderings differ in that flag only: the first occurrence is the envelope's.
 */
const FRESH_FLAG = '"IsPlayed":false';
const PLAYED_FLAG = '"IsPlayed":true';

/**
 * `JSON.stringify(renderEvent(event, isPlayed, context))`, or null for an event durable-functions has no number
 * for. The context is the same for every episode of the execution the event belongs to (its instance, execution
 * and the names of the tasks scheduled before it), so the text cached for the event stays right.
 */
export function renderedEventJson(event: HistoryEvent, isPlayed: boolean, context: RenderContext): string | null {
  let entry = cache.get(event);
  if (entry === undefined) {
    const js = renderEvent(event, false, context);
    entry = { fresh: js ? JSON.stringify(js) : null };
    cache.set(event, entry);
  }
  if (!isPlayed) return entry.fresh;
  if (entry.played === undefined) entry.played = entry.fresh === null ? null : playedJson(entry.fresh, event, context);
  return entry.played;
}

function playedJson(fresh: string, event: HistoryEvent, context: RenderContext): string {
  const at = fresh.indexOf(FRESH_FLAG);
  if (at < 0) return JSON.stringify(renderEvent(event, true, context));
  return fresh.slice(0, at) + PLAYED_FLAG + fresh.slice(at + FRESH_FLAG.length);
}
