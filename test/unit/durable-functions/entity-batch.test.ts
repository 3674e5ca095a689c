// Entity batches through the REAL durable-functions Entity handler (specs/durable-functions-protocol.md §4.1, §4.2).

import { InvocationContext } from '@azure/functions';
import type { EntityWorkItem } from '../../../src/core';
import { buildEntityTriggerInput, entityBatchResult } from '../../../src/durable-functions';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createEntityFunction } = require('durable-functions/lib/src/util/testingUtils') as {
  createEntityFunction: (fn: (context: any) => unknown) => (input: unknown, context: InvocationContext) => Promise<unknown>;
};

const counter = createEntityFunction((context: any) => {
  const value = context.df.getState(() => 0);
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + context.df.getInput());
      break;
    case 'get':
      context.df.return(value);
      break;
    case 'fail':
      throw new Error('counter operation failed');
    case 'failWithText':
      throw 'plain text failure';
    case 'forward':
      context.df.signalEntity({ name: 'Counter', key: 'Other' }, 'add', context.df.getInput());
      context.df.signalEntity({ name: 'Audit', key: 'log' }, 'touch');
      break;
    case 'returnTwice':
      context.df.return(1);
      context.df.return(2);
      break;
    case 'delete':
      context.df.destructOnExit();
      break;
    case 'whoami':
      context.df.return({ name: context.df.entityName, key: context.df.entityKey, isNew: context.df.isNewlyConstructed });
      break;
  }
});

/** Invokes the entity as the worker does: parsed JSON in, the handler's value out. */
async function runBatch(item: EntityWorkItem) {
  const input = JSON.parse(JSON.stringify(buildEntityTriggerInput(item)));
  try {
    const value = JSON.parse(JSON.stringify(await counter(input, new InvocationContext({ functionName: 'Counter' }))));
    return entityBatchResult(item, { value });
  } catch (error) {
    return entityBatchResult(item, { error });
  }
}

function batch(entityState: string | undefined, ...operations: [string, unknown?][]): EntityWorkItem {
  return {
    kind: 'entity',
    instanceId: '@counter@k1',
    entityState,
    operations: operations.map(([operation, input], i) => ({ requestId: `r${i}`, operation, input: input === undefined ? undefined : JSON.stringify(input), isSignal: i % 2 === 0 })),
    completionToken: 'token',
  };
}

it('builds the trigger input with the lower-cased name, the state as JSON text and the batch (§4.2)', () => {
  expect(buildEntityTriggerInput(batch('10', ['add', 5], ['get']))).toEqual({
    self: { name: 'counter', key: 'k1' },
    exists: true,
    state: '10',
    batch: [
      { name: 'add', input: '5', isSignal: true },
      { name: 'get', input: null, isSignal: false },
    ],
  });
  expect(buildEntityTriggerInput(batch(undefined, ['get']))).toMatchObject({ exists: false, state: null });
});

it('runs a batch: results line up with operations, state carries over between them', async () => {
  const result = await runBatch(batch('10', ['add', 5], ['get'], ['whoami']));
  expect(result).toEqual({
    instanceId: '@counter@k1',
    results: [{ result: undefined }, { result: '15' }, { result: JSON.stringify({ name: 'counter', key: 'k1', isNew: false }) }],
    actions: [],
    entityState: '15',
    completionToken: 'token',
  });
});

it('creates the entity on first use', async () => {
  const result = await runBatch(batch(undefined, ['whoami'], ['add', 2]));
  expect(JSON.parse((result.results[0] as { result: string }).result)).toMatchObject({ isNew: true });
  expect(result.entityState).toBe('2');
});

it('reports failed operations without stopping the batch, keeping thrown text when there is any', async () => {
  const result = await runBatch(batch('1', ['fail'], ['add', 1], ['failWithText']));
  expect(result.results[0].failureDetails?.errorMessage).toBe(
    `The entity operation 'fail' threw an error; durable-functions serializes thrown Errors as "{}", so the message is not available.`,
  );
  expect(result.results[1]).toEqual({ result: undefined });
  expect(result.results[2].failureDetails).toEqual({ errorType: 'Error', errorMessage: 'plain text failure' });
  expect(result.entityState).toBe('2');
});

it('turns signals into sendSignal actions addressed by scheduler id', async () => {
  const result = await runBatch(batch('0', ['forward', 3]));
  expect(result.actions).toEqual([
    { type: 'sendSignal', instanceId: '@counter@Other', name: 'add', input: '3' },
    { type: 'sendSignal', instanceId: '@audit@log', name: 'touch', input: undefined },
  ]);
});

it('deletes the entity on destructOnExit', async () => {
  const result = await runBatch(batch('5', ['delete']));
  expect(result.results).toEqual([{ result: undefined }]);
  expect(result.entityState).toBeUndefined();
});

it('fails every operation and keeps the state when results do not line up with the batch', async () => {
  const result = await runBatch(batch('5', ['add', 1], ['returnTwice']));
  expect(result.entityState).toBe('5');
  expect(result.actions).toEqual([]);
  expect(result.results.map((r) => r.failureDetails?.errorMessage)).toEqual([
    'The entity function returned 3 results for 2 operations; call context.df.return at most once per operation.',
    'The entity function returned 3 results for 2 operations; call context.df.return at most once per operation.',
  ]);
});

it('fails every operation and keeps the state when the invocation fails (§4.2 host duty 4)', () => {
  const item = batch('5', ['add', 1], ['get']);
  const result = entityBatchResult(item, { error: new Error('Timeout value of 00:05:00 was exceeded by function: Functions.Counter') });
  expect(result.entityState).toBe('5');
  expect(result.results).toEqual([
    { failureDetails: { errorType: 'EntityBatchFailed', errorMessage: "The entity function 'counter' failed: Timeout value of 00:05:00 was exceeded by function: Functions.Counter" } },
    { failureDetails: { errorType: 'EntityBatchFailed', errorMessage: "The entity function 'counter' failed: Timeout value of 00:05:00 was exceeded by function: Functions.Counter" } },
  ]);
});
