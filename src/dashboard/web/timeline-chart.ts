// The instance's Gantt chart: one row per lane the server assigned (per kind and name), bars placed by time on a
// shared axis. Retries of an activity sit in one row, so the waits between attempts show as gaps.

import type { TimelineBar, TimelineKind } from './api-types.js';
import { h } from './dom.js';
import { duration, time } from './format.js';

const KIND_ORDER: TimelineKind[] = ['episode', 'activity', 'subOrchestration', 'timer', 'event', 'wait'];
const KIND_LABEL: Record<TimelineKind, string> = {
  episode: 'episodes',
  activity: 'activity',
  subOrchestration: 'sub-orchestration',
  timer: 'timer',
  event: 'event',
  wait: 'waiting',
};

export function timelineChart(bars: TimelineBar[], now: number, openInstance: (instanceId: string) => void): HTMLElement {
  if (bars.length === 0) return h('p', { class: 'empty' }, 'Nothing has run yet.');
  const start = Math.min(...bars.map((b) => Date.parse(b.start)));
  const end = Math.max(now > start && bars.some((b) => b.end === undefined) ? now : start, ...bars.map((b) => Date.parse(b.end ?? b.start)));
  const span = Math.max(end - start, 1);
  const rows = new Map<string, { kind: TimelineKind; label: string; bars: TimelineBar[] }>();
  for (const bar of bars) {
    const key = `${KIND_ORDER.indexOf(bar.kind)}|${bar.kind === 'episode' ? '' : bar.label}|${bar.lane}`;
    const row = rows.get(key) ?? { kind: bar.kind, label: bar.kind === 'episode' ? 'orchestrator' : bar.label, bars: [] };
    row.bars.push(bar);
    rows.set(key, row);
  }
  const ordered = [...rows.entries()].sort(([a], [b]) => {
    const [ka] = a.split('|');
    const [kb] = b.split('|');
    return Number(ka) - Number(kb) || firstStart(rows.get(a)!.bars) - firstStart(rows.get(b)!.bars);
  });
  const pct = (ms: number) => `${(((ms - start) / span) * 100).toFixed(3)}%`;
  return h(
    'div',
    { class: 'timeline', role: 'figure', 'aria-label': 'Timeline' },
    h('div', { class: 'axis' }, h('span', {}, time(new Date(start).toISOString())), h('span', {}, `total ${duration(end - start)}`), h('span', {}, time(new Date(end).toISOString()))),
    ordered.map(([, row]) =>
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'row-label', title: row.label }, h('span', { class: `kind kind-${row.kind}` }, KIND_LABEL[row.kind]), ' ', row.label),
        h(
          'div',
          { class: 'track' },
          row.bars.map((bar) => {
            const barStart = Date.parse(bar.start);
            const barEnd = bar.end === undefined ? end : Date.parse(bar.end);
            const tip = `${bar.label}: ${bar.outcome}, ${duration(barEnd - barStart)}${bar.end === undefined ? ' so far' : ''}\n${time(bar.start)} → ${bar.end ? time(bar.end) : 'now'}${bar.detail ? `\n${bar.detail}` : ''}`;
            const element = h('div', {
              class: `bar bar-${bar.kind} outcome-${bar.outcome}`,
              style: `left:${pct(barStart)};width:max(3px, calc(${pct(barEnd)} - ${pct(barStart)}))`,
              title: tip,
              'data-kind': bar.kind,
              'data-outcome': bar.outcome,
            });
            if (bar.instanceId) {
              element.classList.add('link');
              element.addEventListener('click', () => openInstance(bar.instanceId!));
            }
            return element;
          }),
        ),
      ),
    ),
  );
}

function firstStart(bars: TimelineBar[]): number {
  return Math.min(...bars.map((b) => Date.parse(b.start)));
}
