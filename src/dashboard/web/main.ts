// The dashboard page: picks the view for the route (router.ts), shows hub and backend in the header, and asks for
// the system key when the runtime wants one (--require-keys).

import { ApiError, api, storeKey } from './api-client.js';
import type { HubInfo } from './api-types.js';
import { h, notice, show } from './dom.js';
import { renderEntities, renderEntity } from './entities-view.js';
import { renderInstance } from './instance-view.js';
import { renderOrchestrations } from './orchestrations-view.js';
import { currentRoute, onError, type ViewContext } from './router.js';

const view = document.getElementById('view')!;
let hub: HubInfo | undefined;
let leaving: (() => void)[] = [];
let generation = 0;

async function render(): Promise<void> {
  leaving.forEach((cleanup) => cleanup());
  leaving = [];
  const mine = ++generation;
  const route = currentRoute();
  document.querySelectorAll<HTMLAnchorElement>('nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === (route.path[0] === 'entities' ? 'entities' : 'orchestrations')));
  try {
    hub ??= await api<HubInfo>('hub');
    show(document.getElementById('hub')!, 'task hub ', h('strong', {}, hub.hubName), ' on ', h('strong', {}, hub.backend));
    const ctx: ViewContext = { root: view, hub, route, onLeave: (cleanup) => leaving.push(cleanup), current: () => mine === generation };
    const [section, id] = route.path;
    if (section === 'entities') await (id === undefined ? renderEntities(ctx) : renderEntity(ctx, id));
    else if (section === 'orchestrations' && id !== undefined) await renderInstance(ctx, id);
    else await renderOrchestrations(ctx);
  } catch (error) {
    if (mine !== generation) return;
    showError(error);
  }
}

function showError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    const input = h('input', { type: 'password', name: 'key', placeholder: 'system key', autocomplete: 'off', required: true, size: 48 });
    const form = h(
      'form',
      { class: 'key-form' },
      h('h2', {}, 'System key needed'),
      h('p', {}, error.message, ' The page keeps it in this browser.'),
      input,
      ' ',
      h('button', { type: 'submit' }, 'Open the dashboard'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      storeKey(input.value.trim());
      hub = undefined;
      void render();
    });
    show(view, form);
    return;
  }
  const text = error instanceof ApiError ? error.message : `Something went wrong in the page: ${(error as Error)?.message ?? String(error)}`;
  show(view, notice('error', text), h('p', {}, h('a', { href: location.hash || '#/' , onclick: () => void render() }, 'Try again')));
}

onError(showError);
window.addEventListener('hashchange', () => void render());
void render();
