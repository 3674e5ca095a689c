// Builders for the engine's pure-rule tests: a deterministic context, records, histories and messages.

import {
  inboundEvent,
  isoTime,
  processInbox,
  type EngineContext,
  type EventBody,
  type HistoryEvent,
  type HistoryEventType,
  type InboxDecision,
  type InboxEntry,
  type InstanceCommit,
  type InstanceRecord,
  type Logger,
  type OrchestrationEpisode,
  type OutboundMessage,
  type EntityBatch,
  type TaskMessage,
} from '../../../src/core';

export const T0 = Date.UTC(2024, 0, 1);

export interface TestContext extends EngineContext {
  logs: string[];
}

export function testContext(now = T0, maxEntityBatchSize = 50): TestContext {
  const logs: string[] = [];
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  let counter = 0;
  return { now, logger, logs, maxEntityBatchSize, newId: () => `id${++counter}` };
}

export function event<T extends HistoryEventType>(body: EventBody<T> & { type: T }, eventId = -1, at = T0): Extract<HistoryEvent, { type: T }> {
  return { ...inboundEvent<T>(body, isoTime(at)), eventId } as Extract<HistoryEvent, { type: T }>;
}

export function startEvent(instanceId: string, executionId = 'e1', extra: Partial<EventBody<'executionStarted'>> = {}) {
  return event({ type: 'executionStarted', name: 'Orch', input: '"in"', orchestrationInstance: { instanceId, executionId }, ...extra });
}

export function record(instanceId: string, status: InstanceRecord['status'], extra: Partial<InstanceRecord> = {}): InstanceRecord {
  return { instanceId, name: 'Orch', executionId: 'e1', status, createdAt: isoTime(T0), lastUpdatedAt: isoTime(T0), input: '"in"', ...extra };
}

/** The committed history of a running instance that has had one episode: it scheduled what `scheduled` lists. */
export function runningHistory(instanceId: string, ...scheduled: HistoryEvent[]): HistoryEvent[] {
  return [
    event({ type: 'orchestratorStarted' }),
    startEvent(instanceId),
    ...scheduled,
    event({ type: 'orchestratorCompleted' }),
  ];
}

let messageCount = 0;

export function message(instanceId: string, body: TaskMessage['event'], executionId?: string): InboxEntry {
  return { instanceId, executionId, event: body, messageId: `m${++messageCount}` };
}

/** Outbound messages as a backend delivers them to the target's inbox. */
export function delivered(messages: readonly OutboundMessage[]): InboxEntry[] {
  return messages.map(({ visibleAt: _visibleAt, ...sent }) => ({ ...sent, messageId: `m${++messageCount}` }));
}

export function decide(
  instanceId: string,
  state: { instance?: InstanceRecord; history?: HistoryEvent[] },
  messages: InboxEntry[],
  context: EngineContext = testContext(),
): InboxDecision {
  return processInbox({ instanceId, instance: state.instance, history: state.history ?? [], messages }, context);
}

export function expectCommit(decision: InboxDecision): InstanceCommit {
  if (decision.kind !== 'commit') throw new Error(`expected a direct commit, got ${decision.kind}`);
  return decision.commit;
}

export function expectEpisode(decision: InboxDecision): OrchestrationEpisode {
  if (decision.kind !== 'orchestrator') throw new Error(`expected an orchestrator episode, got ${decision.kind}`);
  return decision.episode;
}

export function expectEntityBatch(decision: InboxDecision): EntityBatch {
  if (decision.kind !== 'entity') throw new Error(`expected an entity batch, got ${decision.kind}`);
  return decision.batch;
}

export function types(events: readonly HistoryEvent[]): string[] {
  return events.map((e) => e.type);
}

export function appended(commit: InstanceCommit): HistoryEvent[] {
  return 'append' in commit.history ? commit.history.append : commit.history.replace;
}
