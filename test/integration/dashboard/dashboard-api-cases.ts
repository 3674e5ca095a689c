// The dashboard's data API over a real LocalTaskHub, written once and run on every backend (one file each): every
// filter, paging, every action and every error. A scripted worker plays the app, so instances really run,
// fail, wait, get rewound and complete.

import type { HistoryEvent, OrchestratorAction } from '../../../src/core';
import type { Backend } from '../../../src/backends';
import { listenDashboard } from '../../../src/dashboard';
import type { TaskHub } from '../../../src/taskhub';
import { LocalTaskHub } from '../../../src/taskhub/local';
import type { InstanceDetail, InstanceList, InstanceTree, StatusCountsView } from '../../../src/dashboard/web/api-types';
import { ScriptedWorker, type EpisodeView } from '../../support/scripted-worker';
import { waitFor } from '../../support/wait-for';

const complete = (id: number, result?: string): OrchestratorAction => ({ type: 'completeOrchestration', id, orchestrationStatus: 'Completed', result });

function answerTo(history: HistoryEvent[], id: number): HistoryEvent | undefined {
  return history.find((e) => ('taskScheduledId' in e && e.taskScheduledId === id) || (e.type === 'timerFired' && e.timerId === id));
}
const scheduled = (history: HistoryEvent[], id: number) => history.some((e) => e.eventId === id && e.type !== 'executionCompleted');

/** What the scripted app does: Echo returns its input; Approval waits for "Approve"; Flaky fails once; Parent calls Echo. */
function scripts(flaky: { failures: number }) {
  return {
    orchestrators: {
      Echo: ({ input }: EpisodeView) => ({ actions: [complete(0, input)], customStatus: '"echoed"' }),
      Approval: ({ history }: EpisodeView) => {
        const approval = history.find((e): e is Extract<HistoryEvent, { type: 'eventRaised' }> => e.type === 'eventRaised' && e.name === 'Approve');
        return { actions: approval ? [complete(0, approval.input)] : [], customStatus: approval ? '"approved"' : '"waiting for approval"' };
      },
      Flaky: ({ history }: EpisodeView): OrchestratorAction[] => {
        if (!scheduled(history, 0)) return [{ type: 'scheduleTask', id: 0, name: 'Work', input: '"job"' }];
        const answer = answerTo(history, 0);
        if (answer?.type === 'taskFailed') {
          const inner = answer.failureDetails;
          return [{ type: 'completeOrchestration', id: 1, orchestrationStatus: 'Failed', failureDetails: { errorType: 'StepFailed', errorMessage: 'Step Work failed', stackTrace: 'at Flaky (flaky.ts:1)', innerFailure: inner } }];
        }
        return answer?.type === 'taskCompleted' ? [complete(1, answer.result)] : [];
      },
      Parent: ({ history, instanceId }: EpisodeView): OrchestratorAction[] => {
        if (!scheduled(history, 0)) return [{ type: 'createSubOrchestration', id: 0, instanceId: `${instanceId}:child`, name: 'Echo', input: '"from parent"' }];
        const answer = answerTo(history, 0);
        return answer?.type === 'subOrchestrationInstanceCompleted' ? [complete(1, answer.result)] : [];
      },
      Locker: ({ history, instanceId }: EpisodeView): OrchestratorAction[] =>
        scheduled(history, 0)
          ? []
          : [{ type: 'sendEntityMessage', id: 0, message: { type: 'entityLockRequested', criticalSectionId: `${instanceId}-cs`, lockSet: ['@counter@locked'], position: 0, parentInstanceId: instanceId } }],
    },
    activities: {
      Work: (input: string | undefined) => {
        if (flaky.failures-- > 0) throw new Error('the service is down');
        return JSON.stringify(`done ${JSON.parse(input ?? 'null')}`);
      },
    },
    entities: {
      counter: (state: string | undefined, operation: string, input: string | undefined) => ({ state: JSON.stringify(Number(state ?? 0) + (operation === 'add' ? Number(input) : 0)) }),
    },
  };
}

export interface DashboardApiTarget {
  /** A started task hub named DashHub, on the backend under test; the cases run a scripted worker on it and stop it. */
  hub: TaskHub;
  label: string;
  /** Bounds for waiting on real-time backends. */
  waitMs: number;
  /** For backends with storage that can go away: stops it (the last test of the file). */
  stopStorage?: () => Promise<void>;
  /** Stops what setup started besides the hub (e.g. an emulator process). */
  close?: () => Promise<void>;
}

/** A LocalTaskHub named DashHub on `backend`, started. */
export async function localHub(backend: Backend): Promise<TaskHub> {
  const hub = new LocalTaskHub({ backend, name: 'DashHub' });
  await hub.start();
  return hub;
}

/**
 * `storageCanStop`: the target gives stopStorage, and the file ends with the storage-down case. `ordersByCreation`
 * false (the Scheduler, which lists in its own order): order= is refused with 501 instead of sorting. `entityBacklog`
 * false (the Scheduler, whose EntityMetadata carries only the queue's length, B3): no list of queued requests.
 */
export function describeDashboardApi(
  name: string,
  setup: () => Promise<DashboardApiTarget>,
  options: { storageCanStop?: boolean; ordersByCreation?: boolean; entityBacklog?: boolean } = {},
): void {
  const ordered = options.ordersByCreation ?? true;
  describe(`dashboard data API on ${name}`, () => {
    let hub: TaskHub;
    let worker: ScriptedWorker;
    let dashboard: { url: string; close(): Promise<void> };
    let target: DashboardApiTarget;
    const flaky = { failures: 0 };

    beforeAll(async () => {
      target = await setup();
      hub = target.hub;
      worker = new ScriptedWorker(hub, scripts(flaky)).start();
      dashboard = await listenDashboard({ taskHub: hub, backend: target.label, orchestrators: () => ['Echo', 'Approval', 'Flaky', 'Parent', 'Locker'] });
    });

    afterAll(async () => {
      await dashboard?.close();
      await worker?.stop();
      await hub?.stop();
      await target?.close?.();
    });

    async function call<T = Record<string, unknown>>(path: string, init: { method?: string; body?: unknown; rawBody?: string } = {}): Promise<{ status: number; body: T }> {
      const response = await fetch(`${dashboard.url}api/v1/${path}`, {
        method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
        headers: { 'content-type': 'application/json' },
        body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      });
      return { status: response.status, body: (await response.json()) as T };
    }
    const get = async <T>(path: string): Promise<T> => {
      const { status, body } = await call<T>(path);
      if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${JSON.stringify(body)}`);
      return body;
    };
    const statusOf = async (id: string) => (await call<InstanceDetail>(`orchestrations/${encodeURIComponent(id)}`)).body.status;
    const until = (id: string, status: string) => waitFor(`'${id}' to be ${status}`, async () => (await statusOf(id)) === status, target.waitMs);
    const ids = (list: InstanceList) => list.items.map((item) => item.instanceId);

    /** Every page of a query, in order. */
    async function allPages(query: string): Promise<string[]> {
      const found: string[] = [];
      let token: string | undefined;
      do {
        const page = await get<InstanceList>(`orchestrations?${query}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
        found.push(...ids(page));
        token = page.continuationToken;
      } while (token);
      return found;
    }

    describe('with a set of finished and running instances', () => {
      beforeAll(async () => {
        flaky.failures = 1;
        for (const id of ['echo-1', 'echo-2', 'echo-3']) await hub.startOrchestration({ name: 'Echo', instanceId: id, input: `"${id}"` });
        await hub.startOrchestration({ name: 'Approval', instanceId: 'approval-1' });
        await hub.startOrchestration({ name: 'Flaky', instanceId: 'flaky-1' });
        await hub.startOrchestration({ name: 'Parent', instanceId: 'parent-1' });
        for (const [id, status] of [['echo-1', 'Completed'], ['echo-2', 'Completed'], ['echo-3', 'Completed'], ['flaky-1', 'Failed'], ['parent-1', 'Completed'], ['parent-1:child', 'Completed']]) {
          await until(id, status);
        }
        await waitFor('approval-1 to wait', async () => (await hub.getOrchestration('approval-1'))?.customStatus === '"waiting for approval"', target.waitMs);
      });

      it('describes the hub: name, backend and the app’s orchestrators', async () => {
        expect(await get('hub')).toEqual({
          hubName: 'DashHub',
          backend: target.label,
          orchestrators: ['Approval', 'Echo', 'Flaky', 'Locker', 'Parent'],
          statuses: ['Running', 'Completed', 'ContinuedAsNew', 'Failed', 'Canceled', 'Terminated', 'Pending', 'Suspended'],
          counts: true,
          ordersByCreation: ordered,
        });
      });

      it('filters by name, status, id prefix and custom status, and lists no payloads', async () => {
        expect((await allPages('name=Echo')).sort()).toEqual(['echo-1', 'echo-2', 'echo-3', 'parent-1:child']);
        expect((await allPages('status=Failed,Running')).sort()).toEqual(['approval-1', 'flaky-1']);
        expect((await allPages('status=failed&status=running')).sort()).toEqual(['approval-1', 'flaky-1']);
        expect((await allPages('prefix=parent-')).sort()).toEqual(['parent-1', 'parent-1:child']);
        expect(await allPages('customStatus=waiting')).toEqual(['approval-1']);
        expect((await allPages('customStatus=echoed&prefix=echo-')).sort()).toEqual(['echo-1', 'echo-2', 'echo-3']);
        expect(await allPages('name=Nobody')).toEqual([]);
        // An empty status list is no status filter, on every backend (src/backends/backend.ts InstanceFilter).
        expect((await allPages('status=')).sort()).toEqual((await allPages('')).sort());
        const { items } = await get<InstanceList>('orchestrations?prefix=flaky');
        expect(items).toEqual([expect.objectContaining({ instanceId: 'flaky-1', name: 'Flaky', status: 'Failed', failure: 'Step Work failed' })]);
        expect(items[0]).not.toHaveProperty('input');
      });

      it('filters by creation time, both ends inclusive', async () => {
        const asc = ordered ? 'order=asc&' : '';
        const all = (await get<InstanceList>(`orchestrations?${asc}pageSize=500`)).items;
        const from = all[1].createdAt;
        const to = all[3].createdAt;
        const expected = all.filter((item) => item.createdAt >= from && item.createdAt <= to).map((item) => item.instanceId);
        expect(await allPages(`${asc}createdFrom=${from}&createdTo=${to}`)).toEqual(expected);
        expect(expected.length).toBeGreaterThanOrEqual(3);
        const newest = all.map((item) => item.createdAt).sort().at(-1)!;
        expect(await allPages(`createdFrom=${new Date(Date.parse(newest) + 1).toISOString()}`)).toEqual([]);
      });

      if (ordered) it('sorts newest or oldest first and pages on the server, each instance once', async () => {
        const oldestFirst = await allPages('order=asc&pageSize=500');
        expect(oldestFirst).toHaveLength(7);
        expect(await allPages('order=asc&pageSize=2')).toEqual(oldestFirst);
        expect(await allPages('pageSize=3')).toEqual([...oldestFirst].reverse());
        const first = await get<InstanceList>('orchestrations?pageSize=2');
        expect(first.items).toHaveLength(2);
        expect(first.continuationToken).toEqual(expect.any(String));
      });

      if (!ordered) it('pages in the hub’s own order where it cannot sort, and refuses order= with 501', async () => {
        const all = await allPages('pageSize=500');
        expect(all).toHaveLength(7);
        expect(await allPages('pageSize=2')).toEqual(all);
        expect(await allPages('name=Echo&pageSize=1')).toEqual(all.filter((id) => id.startsWith('echo-') || id === 'parent-1:child'));
        for (const order of ['asc', 'desc']) {
          const { status, body } = await call<{ error: string }>(`orchestrations?order=${order}`);
          expect({ status, error: body.error }).toEqual({ status: 501, error: expect.stringMatching(new RegExp(`lists instances in its own order.*remove order=${order}`)) });
        }
      });

      it('counts per status, with the same filters', async () => {
        expect(await get<StatusCountsView>('counts')).toEqual({ counts: { Completed: 5, Running: 1, Failed: 1 }, total: 7 });
        expect(await get<StatusCountsView>('counts?name=Echo')).toEqual({ counts: { Completed: 4 }, total: 4 });
        expect(await get<StatusCountsView>('counts?prefix=zzz')).toEqual({ counts: {}, total: 0 });
      });

      it('shows an instance with its full history, failure chain, timeline and allowed actions', async () => {
        const detail = await get<InstanceDetail>('orchestrations/flaky-1');
        expect(detail).toMatchObject({
          instanceId: 'flaky-1',
          name: 'Flaky',
          status: 'Failed',
          failure: { errorType: 'StepFailed', errorMessage: 'Step Work failed', stackTrace: 'at Flaky (flaky.ts:1)', innerFailure: { errorType: 'Error', errorMessage: 'the service is down' } },
          actions: ['rewind', 'restart', 'purge'],
          children: [],
        });
        const types = detail.history.map((e) => e.type);
        expect(types).toEqual(expect.arrayContaining(['executionStarted', 'taskScheduled', 'taskFailed', 'executionCompleted']));
        const scheduledEvent = detail.history.find((e) => e.type === 'taskScheduled')!;
        expect(scheduledEvent).toMatchObject({ eventId: 0, name: 'Work', input: '"job"', timestamp: expect.stringMatching(/Z$/) });
        expect(detail.history.find((e) => e.type === 'taskFailed')).toMatchObject({ taskScheduledId: 0, failureDetails: { errorMessage: 'the service is down' } });
        expect(detail.timeline.filter((bar) => bar.kind === 'activity')).toEqual([expect.objectContaining({ label: 'Work', outcome: 'failed', eventId: 0, lane: 0 })]);
        expect(detail.timeline.filter((bar) => bar.kind === 'episode').length).toBeGreaterThanOrEqual(2);
      });

      it('links parents and children, and walks the tree from the root', async () => {
        const parent = await get<InstanceDetail>('orchestrations/parent-1');
        expect(parent.children).toEqual([{ instanceId: 'parent-1:child', name: 'Echo', eventId: 0 }]);
        expect(parent.timeline.find((bar) => bar.kind === 'subOrchestration')).toMatchObject({ instanceId: 'parent-1:child', outcome: 'completed' });
        const child = await get<InstanceDetail>(`orchestrations/${encodeURIComponent('parent-1:child')}`);
        expect(child.parentInstanceId).toBe('parent-1');
        const tree = await get<InstanceTree>(`orchestrations/${encodeURIComponent('parent-1:child')}/tree`);
        expect(tree).toEqual({
          truncated: false,
          root: expect.objectContaining({ instanceId: 'parent-1', name: 'Parent', status: 'Completed', children: [expect.objectContaining({ instanceId: 'parent-1:child', status: 'Completed', children: [] })] }),
        });
      });

      it('answers malformed filters with 400 and a message that says what to send', async () => {
        const cases: [string, RegExp][] = [
          ['orchestrations?status=Sleeping', /Unknown status 'Sleeping': use one of Running/],
          ['orchestrations?createdFrom=yesterday', /createdFrom 'yesterday' is not a time: use ISO-8601/],
          // Date.parse would read '1' as the year 2001 and roll 2024-02-30 over to March: both are refused, as by the HTTP API.
          ['orchestrations?createdFrom=1', /createdFrom '1' is not a time/],
          ['orchestrations?createdTo=2024-02-30', /createdTo '2024-02-30' is not a time/],
          ['orchestrations?createdFrom=2024-02-01T00:00:00Z&createdTo=2024-01-01T00:00:00Z', /is after createdTo/],
          ['orchestrations?pageSize=0', /pageSize must be a whole number from 1 to 500/],
          ['orchestrations?pageSize=abc', /pageSize must be a whole number/],
          ['orchestrations?order=sideways', /order must be asc/],
          ['orchestrations?continuationToken=not-a-token', /Invalid continuation token/],
          ['counts?status=Nope', /Unknown status 'Nope'/],
          ['counts?createdTo=soon', /createdTo 'soon' is not a time/],
          ['entities?prefix=k', /A key prefix needs the entity name/],
          ['entities/counter', /is not an entity id/],
        ];
        for (const [path, message] of cases) {
          const { status, body } = await call<{ error: string }>(path);
          expect({ path, status, error: body.error }).toEqual({ path, status: 400, error: expect.stringMatching(message) });
        }
      });

      it('answers unknown instances, routes and methods with 404 and 405', async () => {
        expect(await call('orchestrations/nope')).toEqual({ status: 404, body: { error: expect.stringMatching(/No orchestration instance 'nope'/) } });
        expect((await call('orchestrations/nope/tree')).status).toBe(404);
        expect((await call('orchestrations/nope/suspend', { body: {} })).status).toBe(404);
        expect((await call('orchestrations/nope', { method: 'DELETE' })).status).toBe(404);
        expect(await call('entities/@counter@nobody')).toEqual({ status: 404, body: { error: expect.stringMatching(/No entity '@counter@nobody'/) } });
        expect(await call('instances')).toEqual({ status: 404, body: { error: expect.stringMatching(/no API route 'instances'/) } });
        expect((await call('orchestrations/echo-1/fly', { body: {} })).status).toBe(405);
        expect((await call('hub', { method: 'DELETE' })).status).toBe(405);
      });

      it('refuses actions on instances in the wrong state with 409', async () => {
        expect(await call('orchestrations/echo-1/suspend', { body: {} })).toEqual({ status: 409, body: { error: expect.stringMatching(/Cannot suspend instance 'echo-1' because its status is Completed/) } });
        expect((await call('orchestrations/echo-1/rewind', { body: {} })).status).toBe(409);
        expect((await call('orchestrations/echo-1/raise-event', { body: { name: 'Approve' } })).status).toBe(409);
        expect(await call('orchestrations/approval-1', { method: 'DELETE' })).toEqual({ status: 409, body: { error: expect.stringMatching(/Cannot purge 'approval-1' while it is Running/) } });
        expect(await call('orchestrations', { body: { name: 'Approval', instanceId: 'approval-1' } })).toEqual({ status: 409, body: { error: expect.stringMatching(/approval-1/) } });
      });

      it('refuses bad action input with 400', async () => {
        expect(await call('orchestrations', { body: { name: 'Nope' } })).toEqual({ status: 400, body: { error: expect.stringMatching(/'Nope' is not an orchestrator of this app; choose one of Echo/) } });
        expect(await call('orchestrations', { body: {} })).toEqual({ status: 400, body: { error: 'Give the orchestrator name to start.' } });
        expect(await call('orchestrations', { body: { name: 'Echo', input: '{oops' } })).toEqual({ status: 400, body: { error: expect.stringMatching(/'input' is not valid JSON/) } });
        expect(await call('orchestrations', { body: { name: 'Echo', instanceId: '' + 'bad/id' } })).toMatchObject({ status: 400 });
        expect(await call('orchestrations/approval-1/raise-event', { body: {} })).toEqual({ status: 400, body: { error: 'Give the name of the event to raise.' } });
        expect(await call('orchestrations/approval-1/raise-event', { rawBody: '{"name": ' })).toEqual({ status: 400, body: { error: expect.stringMatching(/The request body is not JSON/) } });
        expect(await call('orchestrations/approval-1/terminate', { rawBody: '[1]' })).toEqual({ status: 400, body: { error: 'The request body must be a JSON object.' } });
        expect(await call('orchestrations/approval-1/terminate', { body: { reason: 5 } })).toEqual({ status: 400, body: { error: "'reason' must be a string, but is 5." } });
        expect(await call('purge', { body: { status: 'Running' } })).toEqual({ status: 400, body: { error: expect.stringMatching(/Only finished instances can be purged/) } });
      });
    });

    describe('actions', () => {
      it('starts an orchestration by registered name, id and JSON input', async () => {
        const started = await call<{ message: string; instanceId: string }>('orchestrations', { body: { name: 'echo', instanceId: 'started-1', input: '{ "city": "Tokyo" }' } });
        expect(started).toEqual({ status: 201, body: { message: "Started Echo as 'started-1'.", instanceId: 'started-1' } });
        await until('started-1', 'Completed');
        expect(await get<InstanceDetail>('orchestrations/started-1')).toMatchObject({ name: 'Echo', input: '{"city":"Tokyo"}', output: '{"city":"Tokyo"}' });
        const generated = await call<{ instanceId: string }>('orchestrations', { body: { name: 'Echo' } });
        expect(generated.body.instanceId).toMatch(/^[0-9a-f]{32}$/);
      });

      it('raises an event with a JSON payload', async () => {
        await hub.startOrchestration({ name: 'Approval', instanceId: 'approve-me' });
        await until('approve-me', 'Running');
        expect(await call('orchestrations/approve-me/raise-event', { body: { name: 'Approve', input: '{"Approved": true}' } })).toEqual({
          status: 200,
          body: { message: "Raised event 'Approve' for 'approve-me'.", instanceId: 'approve-me' },
        });
        await until('approve-me', 'Completed');
        const detail = await get<InstanceDetail>('orchestrations/approve-me');
        expect(detail.output).toBe('{"Approved":true}');
        expect(detail.timeline.find((bar) => bar.kind === 'event')).toMatchObject({ label: 'Approve' });
      });

      it('suspends, resumes and terminates with a reason', async () => {
        await hub.startOrchestration({ name: 'Approval', instanceId: 'steer-me' });
        await until('steer-me', 'Running');
        expect((await call('orchestrations/steer-me/suspend', { body: { reason: 'lunch' } })).status).toBe(200);
        await until('steer-me', 'Suspended');
        expect((await get<InstanceDetail>('orchestrations/steer-me')).actions).toEqual(['raise-event', 'resume', 'terminate']);
        expect((await call('orchestrations/steer-me/resume', { body: {} })).status).toBe(200);
        await until('steer-me', 'Running');
        expect(await call('orchestrations/steer-me/terminate', { body: { reason: 'no longer needed' } })).toMatchObject({ status: 200, body: { message: "Asked 'steer-me' to terminate." } });
        await until('steer-me', 'Terminated');
        expect((await get<InstanceDetail>('orchestrations/steer-me')).output).toBe('no longer needed');
      });

      it('rewinds a failed instance, which then completes', async () => {
        flaky.failures = 1;
        await hub.startOrchestration({ name: 'Flaky', instanceId: 'rewind-me' });
        await until('rewind-me', 'Failed');
        expect(await call('orchestrations/rewind-me/rewind', { body: { reason: 'service is back' } })).toMatchObject({ status: 200, body: { message: expect.stringMatching(/Rewinding 'rewind-me'/) } });
        await until('rewind-me', 'Completed');
        expect((await get<InstanceDetail>('orchestrations/rewind-me')).output).toBe('"done job"');
      });

      it('restarts a finished instance under its id or a new one', async () => {
        await hub.startOrchestration({ name: 'Echo', instanceId: 'restart-me', input: '"again"' });
        await until('restart-me', 'Completed');
        expect(await call('orchestrations/restart-me/restart', { body: {} })).toMatchObject({ status: 200, body: { instanceId: 'restart-me' } });
        const renamed = await call<{ instanceId: string; message: string }>('orchestrations/restart-me/restart', { body: { newInstanceId: true } });
        expect(renamed.body.instanceId).not.toBe('restart-me');
        expect(renamed.body.message).toMatch(/as '/);
        await until(renamed.body.instanceId, 'Completed');
        expect((await get<InstanceDetail>(`orchestrations/${renamed.body.instanceId}`)).input).toBe('"again"');
      });

      it('purges one finished instance, then all finished instances that match a filter, with the count', async () => {
        for (const id of ['purge-a', 'purge-b', 'purge-c']) await hub.startOrchestration({ name: 'Echo', instanceId: id });
        await hub.startOrchestration({ name: 'Approval', instanceId: 'purge-running' });
        for (const id of ['purge-a', 'purge-b', 'purge-c']) await until(id, 'Completed');
        expect(await call('orchestrations/purge-a', { method: 'DELETE' })).toEqual({ status: 200, body: { message: "Purged 'purge-a' and its history.", instanceId: 'purge-a', purged: 1 } });
        expect((await call('orchestrations/purge-a')).status).toBe(404);
        expect((await get<StatusCountsView>('counts?prefix=purge-&status=Completed,Failed,Terminated,Canceled')).total).toBe(2);
        expect(await call('purge', { body: { prefix: 'purge-', createdFrom: 'last week' } })).toEqual({ status: 400, body: { error: expect.stringMatching(/createdFrom 'last week' is not a time/) } });
        expect(await call('purge', { body: { prefix: 'purge-', name: 'Echo' } })).toEqual({ status: 200, body: { message: 'Purged 2 finished instances.', purged: 2 } });
        expect(await allPages('prefix=purge-')).toEqual(['purge-running']);
      });
    });

    describe('entities', () => {
      it('lists entities and shows state, lock owner and the requests queued behind the lock', async () => {
        await hub.signalEntity('@counter@locked', 'add', '5');
        await hub.signalEntity('@counter@free', 'add', '1');
        await waitFor('both counters to have state', async () => (await call('entities/@counter@free')).status === 200 && (await call('entities/@counter@locked')).status === 200, target.waitMs);
        await hub.startOrchestration({ name: 'Locker', instanceId: 'locker' });
        await waitFor('the lock to be granted', async () => (await get<{ lockedBy?: string }>('entities/@counter@locked')).lockedBy === 'locker', target.waitMs);
        await hub.signalEntity('@counter@locked', 'add', '2');
        await waitFor('the signal to queue behind the lock', async () => (await get<{ backlogQueueSize: number }>('entities/@counter@locked')).backlogQueueSize === 1, target.waitMs);

        expect(await get('entities/@counter@locked')).toEqual({
          instanceId: '@counter@locked',
          name: 'counter',
          key: 'locked',
          lastModifiedAt: expect.any(String),
          lockedBy: 'locker',
          backlogQueueSize: 1,
          state: '5',
          ...(options.entityBacklog === false ? {} : { backlog: [{ kind: 'operation', operation: 'add', sentAt: expect.any(String) }] }),
        });
        const list = await get<{ items: { instanceId: string; lockedBy?: string }[] }>('entities?name=Counter');
        expect(list.items.map((e) => e.instanceId).sort()).toEqual(['@counter@free', '@counter@locked']);
        expect(list.items.find((e) => e.instanceId === '@counter@locked')).not.toHaveProperty('state');
        expect((await get<{ items: unknown[] }>('entities?name=counter&prefix=fr')).items).toEqual([expect.objectContaining({ instanceId: '@counter@free' })]);
        const paged = await get<{ items: unknown[]; continuationToken?: string }>('entities?pageSize=1');
        expect(paged.items).toHaveLength(1);
        expect(paged.continuationToken).toEqual(expect.any(String));
      });
    });

    if (!options.storageCanStop) return;
    describe('when the storage is down', () => {
      it('answers 503 with a message, and keeps serving', async () => {
        await target.stopStorage!();
        const { status, body } = await call<{ error: string }>('orchestrations');
        expect({ status, error: body.error }).toEqual({ status: 503, error: expect.stringMatching(/The task hub's storage did not answer .*Check that it is running/) });
        expect((await call('orchestrations/echo-1')).status).toBe(503);
        expect((await call('hub')).status).toBe(200);
      });
    });
  });
}
