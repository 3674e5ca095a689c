import { getEventListeners } from 'node:events';
import { silentLogger, type WorkItem, type WorkItemKind } from '../../../src/core';
import { WorkItemDispatcher, type WorkSource } from '../../../src/taskhub/local/work-item-dispatcher';
import { waitFor } from '../../support/scripted-worker';

/** A source whose pulls wait until the test hands them an item. */
class HandFedSource implements WorkSource {
  readonly name = 'hand-fed';
  pulls = 0;
  private readonly open: Array<(item: WorkItem | undefined) => void> = [];

  constructor(readonly kinds: ReadonlySet<WorkItemKind>) {}

  get waiting(): number {
    return this.open.length;
  }

  pull(signal: AbortSignal): Promise<WorkItem | undefined> {
    this.pulls++;
    return new Promise((resolve) => {
      const settle = (item: WorkItem | undefined) => {
        const index = this.open.indexOf(settle);
        if (index < 0) return; // settled already (the dispatcher reuses the signals of pulls that ended)
        this.open.splice(index, 1);
        resolve(item);
      };
      this.open.push(settle);
      signal.addEventListener('abort', () => settle(undefined), { once: true });
    });
  }

  feed(item: WorkItem): void {
    this.open[0](item);
  }
}

function item(kind: 'orchestrator' | 'entity', instanceId: string): WorkItem {
  return kind === 'orchestrator'
    ? { kind, instanceId, executionId: 'e', pastEvents: [], newEvents: [], completionToken: instanceId }
    : { kind, instanceId, operations: [], completionToken: instanceId };
}

const ORCHESTRATOR = new Set<WorkItemKind>(['orchestrator']);
const ENTITY = new Set<WorkItemKind>(['entity']);

let source: HandFedSource;
let unclaimed: WorkItem[];
let dispatcher: WorkItemDispatcher;

beforeEach(() => {
  source = new HandFedSource(new Set(['orchestrator', 'entity']));
  unclaimed = [];
  dispatcher = new WorkItemDispatcher({
    sources: [source],
    maxPullsPerSource: 3,
    unclaimed: async (given) => void unclaimed.push(given),
    unclaimedHoldMs: 20,
    logger: silentLogger,
  });
});

afterEach(() => dispatcher.stop());

it('pulls only while callers wait: one pull per caller, at most maxPullsPerSource', async () => {
  expect(source.pulls).toBe(0);
  void dispatcher.next(ORCHESTRATOR);
  void dispatcher.next(ORCHESTRATOR);
  expect(source.waiting).toBe(2);
  for (let i = 0; i < 3; i++) void dispatcher.next(ORCHESTRATOR);
  expect(source.waiting).toBe(3);
});

it('stops the pull of a caller that gives up', async () => {
  const controller = new AbortController();
  const next = dispatcher.next(ORCHESTRATOR, controller.signal);
  void dispatcher.next(ORCHESTRATOR);
  expect(source.waiting).toBe(2);
  controller.abort();
  expect(await next).toBeUndefined();
  expect(source.waiting).toBe(1);
});

it('keeps an item its caller cannot take for the next caller of its kind', async () => {
  const orchestratorCaller = dispatcher.next(ORCHESTRATOR);
  source.feed(item('entity', '@e@1'));
  await waitFor(() => source.waiting === 1, 'the next pull');
  expect(await dispatcher.next(ENTITY)).toMatchObject({ kind: 'entity', instanceId: '@e@1' });
  source.feed(item('orchestrator', 'o1'));
  expect(await orchestratorCaller).toMatchObject({ kind: 'orchestrator', instanceId: 'o1' });
  expect(unclaimed).toEqual([]);
});

it('gives back an item nobody of its kind asks for', async () => {
  void dispatcher.next(ORCHESTRATOR);
  source.feed(item('entity', '@e@2'));
  await waitFor(() => unclaimed.length === 1, 'the give-back');
  expect(unclaimed[0].instanceId).toBe('@e@2');
});

it('ends every wait with undefined on stop', async () => {
  const next = dispatcher.next(ORCHESTRATOR);
  await dispatcher.stop();
  expect(await next).toBeUndefined();
  expect(source.waiting).toBe(0);
  expect(await dispatcher.next(ORCHESTRATOR)).toBeUndefined();
});

it('adds one abort listener to a signal however many waits share it, and its abort ends every wait', async () => {
  const stopping = new AbortController();
  for (let i = 0; i < 5; i++) {
    const next = dispatcher.next(ORCHESTRATOR, stopping.signal);
    await waitFor(() => source.waiting > 0, 'a pull');
    source.feed(item('orchestrator', `served-${i}`));
    expect(await next).toMatchObject({ instanceId: `served-${i}` });
  }
  const waits = [dispatcher.next(ORCHESTRATOR, stopping.signal), dispatcher.next(ORCHESTRATOR, stopping.signal)];
  expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(1);
  stopping.abort();
  expect(await Promise.all(waits)).toEqual([undefined, undefined]);
  expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  await waitFor(() => source.waiting === 0, 'the surplus pulls to stop');
});
