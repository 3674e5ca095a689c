// One orchestration instance: its facts, the actions its status allows, the failure with its stack and inner
// failures, input/output/custom status as collapsible JSON, the timeline, the sub-orchestration tree and the
// history table. Refreshes itself while the instance has not finished.

import { ApiError, api, orchestrationPath } from './api-client.js';
import type { Action, ActionResult, FailureView, HistoryEventView, InstanceDetail, InstanceTree, TreeNode } from './api-types.js';
import { h, notice, show, statusBadge } from './dom.js';
import { duration, oneLine, prettyJson, time } from './format.js';
import { instanceLink, navigate, reportError, type ViewContext } from './router.js';
import { timelineChart } from './timeline-chart.js';

const TERMINAL = ['Completed', 'Failed', 'Terminated', 'Canceled'];
const REFRESH_MS = 2000;

export async function renderInstance(ctx: ViewContext, instanceId: string): Promise<void> {
  const message = h('div', { class: 'messages' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  ctx.onLeave(() => clearTimeout(timer));
  const sections = h('div', {});

  const load = async (): Promise<void> => {
    clearTimeout(timer);
    let detail: InstanceDetail;
    let tree: InstanceTree;
    try {
      [detail, tree] = await Promise.all([api<InstanceDetail>(orchestrationPath(instanceId)), api<InstanceTree>(orchestrationPath(instanceId, 'tree'))]);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        show(ctx.root, h('p', {}, h('a', { href: '#/' }, '← Orchestrations')), notice('error', error.message), message);
        return;
      }
      throw error;
    }
    if (!ctx.current()) return;
    show(sections, ...instanceSections(detail, tree, message, () => void load().catch(reportError)));
    if (!TERMINAL.includes(detail.status)) timer = setTimeout(() => void load().catch(reportError), REFRESH_MS);
  };
  show(ctx.root, h('p', {}, h('a', { href: '#/' }, '← Orchestrations')), message, sections);
  await load();
}

function instanceSections(detail: InstanceDetail, tree: InstanceTree, message: HTMLElement, reload: () => void): HTMLElement[] {
  const facts: [string, Node | string | undefined][] = [
    ['Status', statusBadge(detail.status)],
    ['Created', time(detail.createdAt)],
    ['Last updated', time(detail.lastUpdatedAt)],
    ['Completed', detail.completedAt && `${time(detail.completedAt)} (${duration(Date.parse(detail.completedAt) - Date.parse(detail.createdAt))})`],
    ['Execution id', detail.executionId],
    ['Version', detail.version],
    ['Parent', detail.parentInstanceId ? instanceLink(detail.parentInstanceId) : undefined],
  ];
  return [
    h('div', { class: 'toolbar' }, h('h1', {}, detail.name, ' ', h('span', { class: 'mono id' }, detail.instanceId))),
    h('dl', { class: 'facts' }, facts.filter(([, value]) => value).map(([label, value]) => [h('dt', {}, label), h('dd', {}, value!)])),
    actionBar(detail, message, reload),
    detail.failure ? failureBox(detail.failure) : null,
    h(
      'div',
      { class: 'payloads' },
      jsonPanel('Input', detail.input, false),
      jsonPanel('Output', detail.output, detail.status === 'Completed'),
      jsonPanel('Custom status', detail.customStatus, !TERMINAL.includes(detail.status)),
    ),
    h('section', { class: 'panel', id: 'timeline' }, h('h2', {}, 'Timeline'), timelineChart(detail.timeline, Date.now(), (id) => navigate(`orchestrations/${encodeURIComponent(id)}`))),
    h('section', { class: 'panel', id: 'tree' }, h('h2', {}, 'Sub-orchestrations'), treeView(tree, detail.instanceId)),
    h('section', { class: 'panel', id: 'history' }, h('h2', {}, `History (${detail.history.length} events)`), historyTable(detail.history)),
  ].filter((x): x is HTMLElement => x !== null);
}

function jsonPanel(title: string, text: string | undefined, open: boolean): HTMLElement {
  return h(
    'details',
    { class: 'json', open: open && text !== undefined, 'data-payload': title.toLowerCase() },
    h('summary', {}, title, text === undefined ? h('span', { class: 'muted' }, ' (none)') : h('span', { class: 'muted' }, ` ${oneLine(text, 60)}`)),
    text === undefined ? null : h('pre', {}, prettyJson(text)),
  );
}

function failureBox(failure: FailureView): HTMLElement {
  const chain: HTMLElement[] = [];
  for (let f: FailureView | undefined = failure, depth = 0; f; f = f.innerFailure, depth++) {
    chain.push(
      h(
        'div',
        { class: 'failure-item' },
        h('div', {}, depth ? h('span', { class: 'muted' }, 'caused by ') : null, h('strong', {}, f.errorType), ': ', f.errorMessage, f.isNonRetriable ? h('span', { class: 'muted' }, ' (not retriable)') : null),
        f.stackTrace ? h('details', {}, h('summary', {}, 'Stack'), h('pre', {}, f.stackTrace)) : null,
      ),
    );
  }
  return h('section', { class: 'panel failure', role: 'region', 'aria-label': 'Failure' }, h('h2', {}, 'Failure'), chain);
}

const ACTION_LABELS: Record<Action, string> = {
  'raise-event': 'Raise event…',
  suspend: 'Suspend',
  resume: 'Resume',
  terminate: 'Terminate…',
  restart: 'Restart',
  rewind: 'Rewind',
  purge: 'Purge…',
};

function actionBar(detail: InstanceDetail, message: HTMLElement, reload: () => void): HTMLElement {
  const form = h('form', { class: 'panel action-form', hidden: true });
  const run = async (action: Action, body: Record<string, unknown>) => {
    try {
      const result =
        action === 'purge'
          ? await api<ActionResult>(orchestrationPath(detail.instanceId), { method: 'DELETE' })
          : await api<ActionResult>(orchestrationPath(detail.instanceId, action), { method: 'POST', body });
      show(message, notice('ok', result.message));
      form.hidden = true;
      if (action === 'purge') show(message, notice('ok', result.message), h('p', {}, h('a', { href: '#/' }, '← Back to the list')));
      else if (action === 'restart' && result.instanceId && result.instanceId !== detail.instanceId) navigate(`orchestrations/${encodeURIComponent(result.instanceId)}`);
      else reload();
    } catch (error) {
      show(message, notice('error', (error as Error).message));
    }
  };
  const ask = (action: Action, fields: HTMLElement[], submit: () => Record<string, unknown>) => {
    show(form, h('h2', {}, ACTION_LABELS[action].replace('…', '')), fields, h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Send'), h('button', { type: 'button', onclick: () => (form.hidden = true) }, 'Cancel')));
    form.onsubmit = (event) => {
      event.preventDefault();
      void run(action, submit());
    };
    form.hidden = false;
    form.querySelector<HTMLInputElement>('input, textarea')?.focus();
  };
  const buttons = detail.actions.map((action) => {
    const button = h('button', { type: 'button', 'data-action': action, class: action === 'purge' || action === 'terminate' ? 'danger' : undefined }, ACTION_LABELS[action]);
    button.addEventListener('click', () => {
      if (action === 'raise-event') {
        const name = h('input', { name: 'eventName', required: true, placeholder: 'e.g. ClaimApproval' });
        const input = h('textarea', { name: 'eventInput', rows: 3, placeholder: 'JSON payload (optional), e.g. {"Approved": true}' });
        ask(action, [h('label', {}, h('span', {}, 'Event name'), name), h('label', { class: 'wide' }, h('span', {}, 'Payload'), input)], () => ({ name: name.value.trim(), input: input.value }));
      } else if (action === 'terminate') {
        const reason = h('input', { name: 'reason', placeholder: 'reason (optional)' });
        ask(action, [h('label', {}, h('span', {}, 'Reason'), reason)], () => ({ reason: reason.value.trim() }));
      } else if (action === 'purge') {
        if (confirm(`Purge '${detail.instanceId}' and its history? This cannot be undone.`)) void run(action, {});
      } else {
        void run(action, {});
      }
    });
    return button;
  });
  return h('div', {}, h('div', { class: 'actions' }, buttons, h('button', { type: 'button', onclick: reload }, 'Refresh')), form);
}

function treeView(tree: InstanceTree, current: string): HTMLElement {
  if (tree.root.children.length === 0 && tree.root.instanceId === current) return h('p', { class: 'empty' }, 'No parent and no sub-orchestrations.');
  const node = (n: TreeNode): HTMLElement =>
    h(
      'li',
      {},
      h(
        'div',
        { class: `node${n.instanceId === current ? ' current' : ''}` },
        statusBadge(n.status),
        ' ',
        n.missing ? h('span', { class: 'mono' }, n.instanceId) : instanceLink(n.instanceId),
        ' ',
        h('span', { class: 'muted' }, n.name ?? ''),
        n.createdAt && n.completedAt ? h('span', { class: 'muted small' }, ` ${duration(Date.parse(n.completedAt) - Date.parse(n.createdAt))}`) : null,
        n.missing ? h('span', { class: 'muted' }, ' (purged)') : null,
      ),
      n.children.length ? h('ul', {}, n.children.map(node)) : null,
    );
  return h('div', { class: 'tree' }, h('ul', {}, node(tree.root)), tree.truncated ? notice('info', 'The tree is large: only part of it is shown.') : null);
}

/** The fields each event type shows in the Details column, payloads last. */
function historyTable(history: HistoryEventView[]): HTMLElement {
  const start = history.length ? Date.parse(history[0].timestamp) : 0;
  return h(
    'table',
    { class: 'history' },
    h('thead', {}, h('tr', {}, ['Event id', 'Time', '+', 'Type', 'Name', 'Details'].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      history.map((event) => {
        const { type, eventId, timestamp, ...fields } = event;
        const failure = fields.failureDetails as FailureView | undefined;
        const payload = (fields.input ?? fields.result ?? fields.output ?? fields.reason) as string | undefined;
        const refs = ['taskScheduledId', 'timerId', 'instanceId', 'fireAt', 'orchestrationStatus', 'operation'].filter((k) => fields[k] !== undefined).map((k) => `${k}: ${fields[k]}`);
        return h(
          'tr',
          { class: `event-${type}${failure ? ' failed' : ''}`, 'data-event-type': type },
          h('td', { class: 'num' }, eventId >= 0 ? String(eventId) : ''),
          h('td', { class: 'time' }, time(timestamp)),
          h('td', { class: 'num muted' }, duration(Date.parse(timestamp) - start)),
          h('td', {}, type),
          h('td', {}, (fields.name as string | undefined) ?? ''),
          h(
            'td',
            { class: 'details' },
            refs.length ? h('div', { class: 'muted small' }, refs.join(' · ')) : null,
            failure ? h('div', { class: 'failure-text' }, `${failure.errorType}: ${failure.errorMessage}`) : null,
            payload !== undefined ? h('details', {}, h('summary', { class: 'mono small' }, oneLine(payload, 70)), h('pre', {}, prettyJson(payload))) : null,
            failure?.stackTrace ? h('details', {}, h('summary', { class: 'small' }, 'stack'), h('pre', {}, failure.stackTrace)) : null,
          ),
        );
      }),
    ),
  );
}
