// Rendered history events as JSON text, cached per event object. Backends that keep history as shared, frozen
// objects (the memory backend) hand the same event objects to every episode of an instance, so each event is
// rendered and serialized once in its life instead of once per episode. Other backends simply miss the cache.

import type { HistoryEvent } from '../core';
import { renderEvent, type RenderContext } from './history-rendering';

/** Per event: its JSON as a new event (index 0) and as a played one (index 1); `null` when it renders to nothing. */
const cache = new WeakMap<HistoryEvent, [string | null | undefined, string | null | undefined]>();

/**
 * `JSON.stringify(renderEvent(event, isPlayed, context))`, or null for an event durable-functions has no number
 * for. The context is the same for every episode of the execution the event belongs to (its instance, execution
 * and the names of the tasks scheduled before it), so the text cached for the event stays right.
 */
export function renderedEventJson(event: HistoryEvent, isPlayed: boolean, context: RenderContext): string | null {
  let entry = cache.get(event);
  if (!entry) cache.set(event, (entry = [undefined, undefined]));
  const slot = isPlayed ? 1 : 0;
  let json = entry[slot];
  if (json === undefined) {
    const js = renderEvent(event, isPlayed, context);
    entry[slot] = json = js ? JSON.stringify(js) : null;
  }
  return json;
}
