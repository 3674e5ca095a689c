// Rendered history events as JSON text, cached per execution: each event is rendered and serialized once in its
// life instead of once per episode. The texts are kept by position, each checked against the event it was made
// from, or an equal one (the memory backend stores a copy of each event an episode received, and other backends
// read fresh objects every episode): comparing costs far less than rendering, and renderEvent depends on nothing
// else of the event. One lookup per episode, by instance and execution id (a WeakMap keyed by event cost a
// microsecond-scale insert per event and an ephemeron per entry for the GC to trace).

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

/**
 * Executions whose texts are kept, least recently used first; an execution is forgotten when an episode ends it
 * (forgetRenderedEvents), or when more than MAX_CACHED_EXECUTIONS newer ones push it out.
 */
const cache = new Map<string, ExecutionTexts>();
const MAX_CACHED_EXECUTIONS = 4096;

function cacheKey(context: RenderContext): string {
  return `${context.instanceId}\n${context.executionId}`;
}

/** The execution ended: its texts will not be asked for again. */
export function forgetRenderedEvents(context: RenderContext): void {
  cache.delete(cacheKey(context));
}

/**
 * Every rendering begins `{"EventType":<n>,"EventId":<n>,"IsPlayed":…` (renderEvent spreads its envelope right
 * after the type), and the two renderings differ in that flag only: the first occurrence is the envelope's.
 */
const FRESH_FLAG = '"IsPlayed":false';
const PLAYED_FLAG = '"IsPlayed":true';

/**
 * `JSON.stringify(renderEvent(events[i], i < playedBefore, context))` for each of the first `count` events, leaving
 * out those durable-functions has no number for. The context is the same for every episode of an execution (its
 * instance, execution and the names of the tasks scheduled before each event), so a text cached for an event stays
 * right.
 */
export function renderedEventsJson(events: readonly HistoryEvent[], count: number, playedBefore: number, context: RenderContext): string[] {
  const key = cacheKey(context);
  let texts = cache.get(key);
  if (texts !== undefined) cache.delete(key);
  else texts = { events: [], fresh: [], played: [] };
  cache.set(key, texts);
  if (cache.size > MAX_CACHED_EXECUTIONS) cache.delete(cache.keys().next().value!);
  const parts: string[] = [];
  for (let i = 0; i < count && i < events.length; i++) {
    const event = events[i];
    const known = texts.events[i];
    if (known !== event && !(known !== undefined && sameContent(known, event))) {
      const js = renderEvent(event, false, context);
      texts.fresh[i] = js ? JSON.stringify(js) : null;
      texts.played[i] = undefined;
    }
    // An equal event renders to the same text: a backend that stores copies hands the next episode equal events.
    texts.events[i] = event;
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

/** Whether two history events hold the same data (plain data: JSON values and undefined). */
function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.prototype.hasOwnProperty.call(b, key) || !sameContent((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
