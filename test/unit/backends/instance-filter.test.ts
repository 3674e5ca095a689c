// The one instance-filter rule (src/backends/instance-filter.ts, semantics on InstanceFilter in backend.ts), field by
// field. The backends' agreement on it is checked in test/conformance/backend-conformance.ts.

import type { RuntimeStatus } from '../../../src/core';
import type { InstanceQuery } from '../../../src/backends';
import { checkInstanceFilter, checkPurgeFilter, matchesInstanceFilter, type FilteredInstance } from '../../../src/backends/instance-filter';

const T0 = Date.UTC(2024, 1, 1);
const instance = (fields: Partial<FilteredInstance> = {}): FilteredInstance => ({
  instanceId: 'order-1',
  createdAt: new Date(T0).toISOString(),
  status: 'Running',
  name: 'Order',
  ...fields,
});
const matches = (query: Parameters<typeof checkInstanceFilter>[0], fields: Partial<FilteredInstance> = {}) =>
  matchesInstanceFilter(checkInstanceFilter(query), instance(fields));

describe('instance filter', () => {
  it('narrows nothing when empty', () => {
    expect(matches({})).toBe(true);
    expect(matches({}, { instanceId: '@counter@x' })).toBe(false);
  });

  it('reads an empty status list as no status filter (DT.AS OrchestrationInstanceStatusQueryCondition: RuntimeStatus == null || !Any())', () => {
    expect(checkInstanceFilter({ statuses: [] }).statuses).toBeUndefined();
    expect(matches({ statuses: [] }, { status: 'Suspended' })).toBe(true);
    expect(matches({ statuses: ['Completed', 'Failed'] }, { status: 'Running' })).toBe(false);
    expect(matches({ statuses: ['Completed', 'Running'] })).toBe(true);
  });

  it('keeps both ends of the creation window (specs/backends.md A6.3: CreatedTime ge … and CreatedTime le …), to the millisecond', () => {
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    expect(matches({ createdFrom: at(0), createdTo: at(0) })).toBe(true);
    expect(matches({ createdFrom: at(1) })).toBe(false);
    expect(matches({ createdTo: at(-1) })).toBe(false);
    expect(matches({ createdFrom: at(1), createdTo: at(-1) })).toBe(false);
    expect(matches({ createdFrom: '2024-02-01', createdTo: '2024-02-01T01:00:00+01:00' })).toBe(true);
    expect(matches({ createdTo: at(0) }, { createdAt: T0 })).toBe(true);
    expect(matches({ createdTo: at(0) }, { createdAt: T0 + 1 })).toBe(false);
  });

  it('refuses times that are not ISO-8601, naming the field and the form; a time without a zone is UTC, as the HTTP API reads it', () => {
    for (const value of ['yesterday', '', '1', '2024', '2024-02-30T00:00:00Z', '2024-13-01', '2024-02-01T25:00:00Z']) {
      expect(() => checkInstanceFilter({ createdFrom: value })).toThrow(RangeError);
      expect(() => checkInstanceFilter({ createdTo: value })).toThrow(`Invalid createdTo '${value}': expected an ISO-8601 time such as 2024-01-01T00:00:00Z`);
    }
    expect(checkInstanceFilter({ createdFrom: '2024-02-29T23:59:59.999Z' }).createdFrom).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(checkInstanceFilter({ createdTo: '2024-02-01T08:00:00-05:30' }).createdTo).toBe(Date.UTC(2024, 1, 1, 13, 30));
    expect(checkInstanceFilter({ createdFrom: '2024-02-01T08:00:00' }).createdFrom).toBe(Date.UTC(2024, 1, 1, 8));
  });

  it('refuses statuses and kinds it does not know, rather than matching nothing or everything', () => {
    expect(() => checkInstanceFilter({ statuses: ['running' as RuntimeStatus] })).toThrow("Invalid status 'running' in statuses: use Running, ");
    expect(() => checkInstanceFilter({ kind: 'entities' as InstanceQuery['kind'] })).toThrow("Invalid kind 'entities': pass orchestration, entity, all");
  });

  it('matches the id prefix case-sensitively; an empty prefix narrows nothing (DT.AS: string.IsNullOrEmpty)', () => {
    expect(matches({ instanceIdPrefix: 'order-' })).toBe(true);
    expect(matches({ instanceIdPrefix: 'Order-' })).toBe(false);
    expect(matches({ instanceIdPrefix: '' })).toBe(true);
    expect(checkInstanceFilter({ instanceIdPrefix: '' }).instanceIdPrefix).toBeUndefined();
  });

  it('matches the name exactly', () => {
    expect(matches({ name: 'Order' })).toBe(true);
    expect(matches({ name: 'order' })).toBe(false);
    expect(matches({ name: 'Orde' })).toBe(false);
  });

  it('matches custom-status text in the serialized value, case-sensitively; none holds the empty text', () => {
    expect(matches({ customStatusContains: '"step"' }, { customStatus: '{"step":2}' })).toBe(true);
    expect(matches({ customStatusContains: 'Step' }, { customStatus: '{"step":2}' })).toBe(false);
    expect(matches({ customStatusContains: '' })).toBe(true);
    expect(matches({ customStatusContains: 'x' })).toBe(false);
  });

  it('lets a custom status that was not read match any text, for the Azure Storage index to read the row', () => {
    expect(matches({ customStatusContains: 'x' }, { customStatusUnread: true })).toBe(true);
    expect(matches({ customStatusContains: 'x', name: 'Other' }, { customStatusUnread: true })).toBe(false);
  });

  it('tells entities by the "@" their ids start with (A6.3: PartitionKey lt \'@\' or ge \'A\')', () => {
    expect(matches({ kind: 'entity' }, { instanceId: '@counter@x' })).toBe(true);
    expect(matches({ kind: 'entity' })).toBe(false);
    expect(matches({ kind: 'all' }, { instanceId: '@counter@x' })).toBe(true);
    expect(matches({ kind: 'orchestration' }, { instanceId: '@counter@x' })).toBe(false);
  });

  describe('purge', () => {
    it('narrows the statuses to the terminal ones, all of them when none or an empty list is named', () => {
      expect([...checkPurgeFilter({})!.statuses]).toEqual(['Completed', 'Failed', 'Canceled', 'Terminated']);
      expect([...checkPurgeFilter({ statuses: [] })!.statuses]).toEqual(['Completed', 'Failed', 'Canceled', 'Terminated']);
      expect([...checkPurgeFilter({ statuses: ['Running', 'Failed'] })!.statuses]).toEqual(['Failed']);
      expect(checkPurgeFilter({})!.kind).toBe('all');
    });

    it('purges nothing for only statuses that are not terminal (DT.AS would drop the status term and purge them all)', () => {
      expect(checkPurgeFilter({ statuses: ['Running', 'Pending'] })).toBeUndefined();
    });

    it('checks the filter before narrowing, so a bad time is refused even where nothing could be purged', () => {
      expect(() => checkPurgeFilter({ statuses: ['Running'], createdTo: 'now' })).toThrow("Invalid createdTo 'now'");
    });
  });
});
