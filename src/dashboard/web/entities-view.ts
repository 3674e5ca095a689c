// Entities: the list (by name and key prefix, paged on the server) and one entity's state, lock owner and the
// requests queued behind the lock.

import { ApiError, api } from './api-client.js';
import type { EntityDetail, EntityList } from './api-types.js';
import { h, notice, show } from './dom.js';
import { prettyJson, time } from './format.js';
import { instanceLink, navigate, reportError, type ViewContext } from './router.js';

const entityLink = (id: string) => h('a', { href: `#/entities/${encodeURIComponent(id)}`, class: 'mono' }, id);

export async function renderEntities(ctx: ViewContext): Promise<void> {
  const params = ctx.route.params;
  const tokens: (string | undefined)[] = [];
  let token: string | undefined;
  const name = h('input', { name: 'name', value: params.get('name') ?? '', placeholder: 'any, e.g. counter' });
  const prefix = h('input', { name: 'prefix', value: params.get('prefix') ?? '', placeholder: 'key prefix (with a name)' });
  const form = h(
    'form',
    { class: 'filters' },
    h('label', {}, h('span', {}, 'Entity name'), name),
    h('label', {}, h('span', {}, 'Key prefix'), prefix),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Apply')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (name.value.trim()) next.set('name', name.value.trim());
    if (prefix.value.trim()) next.set('prefix', prefix.value.trim());
    navigate('entities', next);
  });
  const table = h('div', {});
  const pager = h('div', { class: 'pager' });
  show(ctx.root, h('div', { class: 'toolbar' }, h('h1', {}, 'Entities')), form, table, pager);

  const load = async () => {
    const query = new URLSearchParams(params);
    if (token) query.set('continuationToken', token);
    const list = await api<EntityList>('entities', { params: query });
    if (!ctx.current()) return;
    show(
      table,
      list.items.length === 0
        ? h('p', { class: 'empty' }, 'No entity matches.')
        : h(
            'table',
            { class: 'instances' },
            h('thead', {}, h('tr', {}, ['Entity id', 'Name', 'Key', 'Last modified', 'Locked by', 'Queued'].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              list.items.map((e) =>
                h('tr', {}, h('td', {}, entityLink(e.instanceId)), h('td', {}, e.name), h('td', { class: 'mono' }, e.key), h('td', { class: 'time' }, time(e.lastModifiedAt)), h('td', {}, e.lockedBy ? instanceLink(e.lockedBy) : ''), h('td', { class: 'num' }, String(e.backlogQueueSize))),
              ),
            ),
          ),
    );
    show(
      pager,
      tokens.length ? h('button', { type: 'button', onclick: () => ((token = tokens.pop()), void load().catch(reportError)) }, '← Previous page') : null,
      list.continuationToken ? h('button', { type: 'button', onclick: () => (tokens.push(token), (token = list.continuationToken), void load().catch(reportError)) }, 'Next page →') : null,
    );
  };
  await load();
}

export async function renderEntity(ctx: ViewContext, instanceId: string): Promise<void> {
  let entity: EntityDetail;
  try {
    entity = await api<EntityDetail>(`entities/${encodeURIComponent(instanceId)}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      show(ctx.root, h('p', {}, h('a', { href: '#/entities' }, '← Entities')), notice('error', error.message));
      return;
    }
    throw error;
  }
  if (!ctx.current()) return;
  show(
    ctx.root,
    h('p', {}, h('a', { href: '#/entities' }, '← Entities')),
    h('div', { class: 'toolbar' }, h('h1', {}, entity.name, ' ', h('span', { class: 'mono id' }, entity.key))),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Entity id'),
      h('dd', { class: 'mono' }, entity.instanceId),
      h('dt', {}, 'Last modified'),
      h('dd', {}, time(entity.lastModifiedAt)),
      h('dt', {}, 'Lock'),
      h('dd', {}, entity.lockedBy ? ['held by ', instanceLink(entity.lockedBy)] : 'free'),
    ),
    h('section', { class: 'panel' }, h('h2', {}, 'State'), h('pre', { class: 'state' }, entity.state === undefined ? '(none)' : prettyJson(entity.state))),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, `Queued requests (${entity.backlogQueueSize})`),
      entity.backlog?.length
        ? h(
            'table',
            { class: 'history' },
            h('thead', {}, h('tr', {}, ['Kind', 'Operation', 'From', 'Sent'].map((t) => h('th', {}, t)))),
            h('tbody', {}, entity.backlog.map((r) => h('tr', {}, h('td', {}, r.kind), h('td', {}, r.operation ?? ''), h('td', {}, r.from ? instanceLink(r.from) : 'client'), h('td', { class: 'time' }, time(r.sentAt))))),
          )
        : h('p', { class: 'empty' }, 'Nothing waits for this entity.'),
    ),
  );
}
