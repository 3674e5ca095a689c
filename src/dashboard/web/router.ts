// The page's routes live in the URL's hash (#/, #/orchestrations/<id>, #/entities, #/entities/<id>), filters in
// the hash's query, so a link shows the same view to whoever opens it.

import type { HubInfo } from './api-types.js';
import { h } from './dom.js';

export interface Route {
  path: string[];
  params: URLSearchParams;
}

/** What a view gets: where to draw, the hub, and a way to stop its timers when the route changes. */
export interface ViewContext {
  root: HTMLElement;
  hub: HubInfo;
  route: Route;
  /** Called when the view is left. */
  onLeave(cleanup: () => void): void;
  /** Still the current view (a slow answer must not draw over the next one). */
  current(): boolean;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?', 2);
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

export function navigate(path: string, params?: URLSearchParams): void {
  const query = params && [...params].length ? `?${params}` : '';
  location.hash = `#/${path}${query}`;
}

export function instanceLink(instanceId: string, text: string = instanceId): HTMLAnchorElement {
  return h('a', { href: `#/orchestrations/${encodeURIComponent(instanceId)}`, class: 'mono' }, text);
}

let errorHandler: (error: unknown) => void = (error) => console.error(error);

export function onError(handler: (error: unknown) => void): void {
  errorHandler = handler;
}

/** Views report failures of their later calls (refreshes, paging) here: the page shows the message. */
export function reportError(error: unknown): void {
  errorHandler(error);
}
