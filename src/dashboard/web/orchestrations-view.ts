// The orchestrations list: filters (kept in the URL), counts per status that double as status toggles, server-side
// paging, auto-refresh, start a new instance, and purge everything finished that matches.

import { api } from './api-client.js';
import type { ActionResult, InstanceList, StatusCountsView } from './api-types.js';
import { h, notice, show, statusBadge } from './dom.js';
import { fromLocalInput, oneLine, time, toLocalInput } from './format.js';
import { instanceLink, navigate, reportError, type ViewContext } from './router.js';

const FILTERS = ['name', 'status', 'createdFrom', 'createdTo', 'prefix', 'customStatus', 'order', 'pageSize', 'refresh'] as const;
const TERMINAL = ['Completed', 'Failed', 'Terminated', 'Canceled'];
const REFRESH_CHOICES = [0, 2, 5, 10, 30];

export async function renderOrchestrations(ctx: ViewContext): Promise<void> {
  const params = ctx.route.params;
  const statuses = new Set((params.get('status') ?? '').split(',').filter(Boolean));
  const apiParams = filterParams(params);
  /** Tokens of the pages before this one, to go back. */
  const tokens: (string | undefined)[] = [];
  let token: string | undefined = params.get('continuationToken') ?? undefined;

  const message = h('div', { class: 'messages' });
  const countsBar = h('div', { class: 'counts', 'aria-label': 'Instances per status' });
  const table = h('div', { class: 'list' });
  const pager = h('div', { class: 'pager' });

  const form = filterForm(ctx, params);
  const startForm = startNewForm(ctx, message);
  const purgeButton = h('button', { type: 'button', class: 'danger', 'data-action': 'purge-matching' }, 'Purge finished…');
  purgeButton.addEventListener('click', () => void purgeMatching(apiParams, message, () => void load()));

  show(
    ctx.root,
    h('div', { class: 'toolbar' }, h('h1', {}, 'Orchestrations'), h('span', { class: 'spacer' }), startForm.toggle, purgeButton),
    startForm.panel,
    form,
    countsBar,
    message,
    table,
    pager,
  );

  async function load(): Promise<void> {
    const listParams = new URLSearchParams(apiParams);
    if (token) listParams.set('continuationToken', token);
    const countParams = new URLSearchParams(apiParams);
    countParams.delete('status');
    const [list, counts] = await Promise.all([
      api<InstanceList>('orchestrations', { params: listParams }),
      ctx.hub.counts ? api<StatusCountsView>('counts', { params: countParams }) : Promise.resolve(undefined),
    ]);
    if (!ctx.current()) return;
    if (counts) showCounts(countsBar, ctx, counts, statuses);
    showList(table, list);
    show(
      pager,
      tokens.length ? h('button', { type: 'button', onclick: () => ((token = tokens.pop()), void load().catch(reportError)) }, '← Previous page') : null,
      h('span', { class: 'muted' }, `${list.items.length} shown`),
      list.continuationToken ? h('button', { type: 'button', 'data-action': 'next-page', onclick: () => (tokens.push(token), (token = list.continuationToken), void load().catch(reportError)) }, 'Next page →') : null,
    );
  }

  await load();
  const seconds = Number(params.get('refresh') ?? 0);
  if (seconds > 0) {
    const timer = setInterval(() => void load().catch(reportError), seconds * 1000);
    ctx.onLeave(() => clearInterval(timer));
  }
}

/** The list's filters as the API takes them (the URL also keeps the refresh interval, which is the page's own). */
function filterParams(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value && name !== 'refresh') out.set(name, value);
  }
  return out;
}

function filterForm(ctx: ViewContext, params: URLSearchParams): HTMLFormElement {
  const field = (label: string, input: HTMLElement) => h('label', {}, h('span', {}, label), input);
  const names = h('datalist', { id: 'orchestrator-names' }, ctx.hub.orchestrators.map((name) => h('option', { value: name })));
  const form = h(
    'form',
    { class: 'filters', id: 'filters' },
    field('Name', h('input', { name: 'name', list: 'orchestrator-names', value: params.get('name') ?? '', placeholder: 'any' })),
    names,
    field('Id prefix', h('input', { name: 'prefix', value: params.get('prefix') ?? '', placeholder: 'any' })),
    field('Custom status contains', h('input', { name: 'customStatus', value: params.get('customStatus') ?? '' })),
    field('Created from', h('input', { name: 'createdFrom', type: 'datetime-local', step: 1, value: toLocalInput(params.get('createdFrom')) })),
    field('Created to', h('input', { name: 'createdTo', type: 'datetime-local', step: 1, value: toLocalInput(params.get('createdTo')) })),
    field(
      'Status',
      h('select', { name: 'status' }, h('option', { value: '' }, 'any'), ctx.hub.statuses.map((s) => h('option', { value: s, selected: params.get('status') === s }, s))),
    ),
    ctx.hub.ordersByCreation && field('Order', h('select', { name: 'order' }, h('option', { value: 'desc' }, 'newest first'), h('option', { value: 'asc', selected: params.get('order') === 'asc' }, 'oldest first'))),
    field('Page size', h('select', { name: 'pageSize' }, [20, 50, 100, 200].map((n) => h('option', { value: n, selected: Number(params.get('pageSize') ?? 50) === n }, String(n))))),
    field('Auto-refresh', h('select', { name: 'refresh' }, REFRESH_CHOICES.map((s) => h('option', { value: s, selected: Number(params.get('refresh') ?? 0) === s }, s ? `every ${s} s` : 'off')))),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Apply'), h('button', { type: 'button', onclick: () => navigate('') }, 'Clear')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const [name, value] of data) {
      const text = String(value).trim();
      if (!text) continue;
      if (name === 'createdFrom' || name === 'createdTo') {
        const iso = fromLocalInput(text);
        if (iso) next.set(name, iso);
      } else if (!(name === 'order' && text === 'desc') && !(name === 'pageSize' && text === '50') && !(name === 'refresh' && text === '0')) {
        next.set(name, text);
      }
    }
    // Keep a multi-status choice made with the count toggles unless the select names one.
    const multi = params.get('status');
    if (!next.has('status') && multi?.includes(',')) next.set('status', multi);
    navigate('', next);
  });
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLElement).getAttribute('name') === 'refresh') form.requestSubmit();
  });
  return form;
}

function showCounts(bar: HTMLElement, ctx: ViewContext, view: StatusCountsView, selected: Set<string>): void {
  const toggle = (status: string) => {
    const params = new URLSearchParams(ctx.route.params);
    const next = new Set(selected);
    if (next.has(status)) next.delete(status);
    else next.add(status);
    if (next.size) params.set('status', [...next].join(','));
    else params.delete('status');
    params.delete('continuationToken');
    navigate('', params);
  };
  show(
    bar,
    h('span', { class: 'total' }, `${view.total} instance${view.total === 1 ? '' : 's'}`),
    ctx.hub.statuses
      .filter((status) => (view.counts[status] ?? 0) > 0 || selected.has(status))
      .map((status) =>
        h(
          'button',
          { type: 'button', class: `count status-${status.toLowerCase()}${selected.has(status) ? ' selected' : ''}`, 'aria-pressed': selected.has(status) ? 'true' : 'false', 'data-status': status, onclick: () => toggle(status) },
          status,
          h('strong', {}, String(view.counts[status] ?? 0)),
        ),
      ),
  );
}

function showList(container: HTMLElement, list: InstanceList): void {
  if (list.items.length === 0) {
    show(container, h('p', { class: 'empty' }, 'No orchestration matches these filters.'));
    return;
  }
  show(
    container,
    h(
      'table',
      { class: 'instances' },
      h('thead', {}, h('tr', {}, ['Instance id', 'Name', 'Status', 'Created', 'Last updated', 'Custom status / failure'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        list.items.map((item) =>
          h(
            'tr',
            { 'data-instance-id': item.instanceId },
            h('td', {}, instanceLink(item.instanceId), item.parentInstanceId ? h('span', { class: 'muted small', title: `child of ${item.parentInstanceId}` }, ' ↳ child') : null),
            h('td', {}, item.name),
            h('td', {}, statusBadge(item.status)),
            h('td', { class: 'time' }, time(item.createdAt)),
            h('td', { class: 'time' }, time(item.lastUpdatedAt)),
            h('td', { class: item.failure ? 'failure-text' : 'mono small' }, oneLine(item.failure ?? item.customStatus, 90)),
          ),
        ),
      ),
    ),
  );
}

function startNewForm(ctx: ViewContext, message: HTMLElement): { toggle: HTMLButtonElement; panel: HTMLElement } {
  // Where the dashboard does not know the app (the emulator's), the orchestrator's name is typed.
  const name = ctx.hub.orchestrators.length
    ? h('select', { name: 'name', required: true }, ctx.hub.orchestrators.map((n) => h('option', { value: n }, n)))
    : h('input', { name: 'name', required: true, placeholder: 'orchestrator name' });
  const instanceId = h('input', { name: 'instanceId', placeholder: 'new id (optional)' });
  const input = h('textarea', { name: 'input', rows: 3, placeholder: 'JSON input (optional), e.g. {"city": "Tokyo"}' });
  const panel = h(
    'form',
    { class: 'panel start-form', hidden: true },
    h('h2', {}, 'Start a new orchestration'),
    h('label', {}, h('span', {}, 'Orchestrator'), name),
    h('label', {}, h('span', {}, 'Instance id'), instanceId),
    h('label', { class: 'wide' }, h('span', {}, 'Input'), input),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Start')),
  );
  panel.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const result = await api<ActionResult>('orchestrations', { method: 'POST', body: { name: name.value, instanceId: instanceId.value.trim(), input: input.value } });
      show(message, h('p', { class: 'notice ok', role: 'status' }, result.message, ' ', instanceLink(result.instanceId!, 'Open it →')));
      panel.hidden = true;
    } catch (error) {
      show(message, notice('error', (error as Error).message));
    }
  });
  const toggle = h('button', { type: 'button', 'data-action': 'start-new' }, 'Start new…');
  toggle.addEventListener('click', () => (panel.hidden = !panel.hidden));
  return { toggle, panel };
}

async function purgeMatching(filter: URLSearchParams, message: HTMLElement, reload: () => void): Promise<void> {
  try {
    const params = new URLSearchParams(filter);
    params.delete('order');
    params.delete('pageSize');
    const chosen = (params.get('status') ?? '').split(',').filter(Boolean);
    const statuses = chosen.length ? chosen.filter((s) => TERMINAL.includes(s)) : TERMINAL;
    if (statuses.length === 0) {
      show(message, notice('error', 'Only finished instances (Completed, Failed, Terminated, Canceled) can be purged; the status filter chooses none of them.'));
      return;
    }
    params.set('status', statuses.join(','));
    const { total } = await api<StatusCountsView>('counts', { params });
    if (total === 0) {
      show(message, notice('info', 'No finished instance matches these filters: nothing to purge.'));
      return;
    }
    if (!confirm(`Purge ${total} finished instance${total === 1 ? '' : 's'} (${statuses.join(', ')}) matching these filters, with their history? This cannot be undone.`)) return;
    const body = Object.fromEntries(params);
    const result = await api<ActionResult>('purge', { method: 'POST', body });
    show(message, notice('ok', result.message));
    reload();
  } catch (error) {
    show(message, notice('error', (error as Error).message));
  }
}
