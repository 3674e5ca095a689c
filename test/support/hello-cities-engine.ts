// A scripted stand-in for the engine: it commits exactly what the Durable Task engine commits for HelloCities5
// (an orchestration that calls SayHello for 5 cities in sequence), so backend tests and the backend benchmark can
// run whole orchestrations without the functions host. Not a general engine: one orchestration, one activity.

import { setMaxListeners } from 'node:events';
import type { ActivityWorkItemLease, Backend, InstanceCommit, InstanceWorkItem } from '../../src/backends';
import type { HistoryEvent, InstanceRecord, OutboundMessage } from '../../src/core';

export const CITIES = ['Tokyo', 'Seattle', 'London', 'Cairo', 'Lima'];
export const HELLO_CITIES_OUTPUT = JSON.stringify(CITIES.map((city) => `Hello ${city}!`));

const now = () => new Date().toISOString();

export function helloCitiesStart(instanceId: string, executionId: string): { record: InstanceRecord; start: OutboundMessage } {
  const t = now();
  return {
    record: { instanceId, name: 'HelloCities5', executionId, status: 'Pending', createdAt: t, lastUpdatedAt: t },
    start: {
      instanceId,
      executionId,
      event: { type: 'executionStarted', eventId: -1, timestamp: t, name: 'HelloCities5', orchestrationInstance: { instanceId, executionId } },
    },
  };
}

/** One episode: schedule the next city, or complete with every greeting. Replays drop duplicate results. */
export function helloCitiesEpisode(item: InstanceWorkItem): { commit: InstanceCommit; done: boolean } {
  const instance = item.instance!;
  const events: HistoryEvent[] = [{ type: 'orchestratorStarted', eventId: -1, timestamp: now() }];
  const answered = new Set(item.history.flatMap((e) => (e.type === 'taskCompleted' ? [e.taskScheduledId] : [])));
  const scheduled = new Set(item.history.flatMap((e) => (e.type === 'taskScheduled' ? [e.eventId] : [])));
  const started = item.history.some((e) => e.type === 'executionStarted');
  for (const message of item.messages) {
    const event = message.event;
    // An activity that ran twice answers twice; a redelivered start starts once (the engine's replay rules).
    if (event.type === 'taskCompleted' && (answered.has(event.taskScheduledId) || !scheduled.has(event.taskScheduledId))) continue;
    if (event.type === 'executionStarted' && started) continue;
    if (event.type === 'taskCompleted') answered.add(event.taskScheduledId);
    events.push(event);
  }
  if (events.length === 1 || instance.status === 'Completed') {
    return { commit: { instance, history: { append: [] }, messages: [], activities: [] }, done: instance.status === 'Completed' };
  }
  const next = answered.size;
  const activities = [];
  let record: InstanceRecord;
  if (next < CITIES.length && !scheduled.has(next)) {
    const task: HistoryEvent = { type: 'taskScheduled', eventId: next, timestamp: now(), name: 'SayHello', input: JSON.stringify(CITIES[next]) };
    events.push(task);
    activities.push({ instanceId: item.instanceId, executionId: instance.executionId, event: task });
    record = { ...instance, status: 'Running', lastUpdatedAt: now() };
  } else {
    events.push({ type: 'executionCompleted', eventId: CITIES.length, timestamp: now(), orchestrationStatus: 'Completed', result: HELLO_CITIES_OUTPUT });
    record = { ...instance, status: 'Completed', output: HELLO_CITIES_OUTPUT, lastUpdatedAt: now(), completedAt: now() };
  }
  events.push({ type: 'orchestratorCompleted', eventId: -1, timestamp: now() });
  return { commit: { instance: record, history: { append: events }, messages: [], activities }, done: record.status === 'Completed' };
}

/** The SayHello activity's result message. */
export function sayHello(lease: ActivityWorkItemLease): OutboundMessage {
  const city = JSON.parse(lease.task.event.input ?? '""') as string;
  return {
    instanceId: lease.task.instanceId,
    executionId: lease.task.executionId,
    event: { type: 'taskCompleted', eventId: -1, timestamp: now(), taskScheduledId: lease.task.event.eventId, result: JSON.stringify(`Hello ${city}!`) },
  };
}

/** Runs orchestrator and activity loops until `signal` aborts; `onActivity` hears of every activity run. */
export function runHelloCitiesWorker(
  backend: Backend,
  options: { concurrency: number; signal: AbortSignal; onCompleted?: (instanceId: string) => void; onActivity?: (lease: ActivityWorkItemLease) => void },
): Promise<void> {
  setMaxListeners(0, options.signal);
  const orchestrations = async () => {
    while (!options.signal.aborted) {
      const item = await backend.lockNextInstance(options.signal);
      if (!item) continue;
      if (!item.instance) {
        await backend.completeInstance(item, { instance: null, history: { append: [] }, messages: [], activities: [] });
        continue;
      }
      const { commit, done } = helloCitiesEpisode(item);
      await backend.completeInstance(item, commit).then(
        () => done && options.onCompleted?.(item.instanceId),
        (error: Error) => (error.name === 'LockLostError' ? undefined : Promise.reject(error)),
      );
    }
  };
  const activities = async () => {
    while (!options.signal.aborted) {
      const lease = await backend.lockNextActivity(options.signal);
      if (!lease) continue;
      options.onActivity?.(lease);
      await backend.completeActivity(lease, sayHello(lease));
    }
  };
  return Promise.all([...Array(options.concurrency)].flatMap(() => [orchestrations(), activities()])).then(() => undefined);
}
