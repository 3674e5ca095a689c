// Durable entities: signals, calls, state, delete, and critical sections (issue 3).
import * as df from 'durable-functions';
import type { TestEnvironment } from '../../../src/testing';
import { eventually, startFixture } from '../../support/durable-fixture';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startFixture('durable-features');
});
afterAll(() => env.close());

const counter = (key: string) => new df.EntityId('Counter', key);

async function stateOf<T>(entity: df.EntityId, expected: T): Promise<T> {
  return eventually(async () => {
    const response = await env.client.readEntityState<T>(entity);
    return response.entityExists && JSON.stringify(response.entityState) === JSON.stringify(expected) ? response.entityState : undefined;
  }, `${entity.name}/${entity.key} to hold ${JSON.stringify(expected)}`);
}

it('applies signals in order and keeps state', async () => {
  await env.client.signalEntity(counter('signals'), 'add', 2);
  await env.client.signalEntity(counter('signals'), 'add', 3);
  await env.client.signalEntity(counter('signals'), 'add', 5);
  expect(await stateOf(counter('signals'), 10)).toBe(10);
  await env.client.signalEntity(counter('signals'), 'reset');
  expect(await stateOf(counter('signals'), 0)).toBe(0);
});

it('reports an entity that was never touched as missing, and deletes one on request', async () => {
  expect(await env.client.readEntityState(counter('never'))).toEqual({ entityExists: false });
  await env.client.signalEntity(counter('doomed'), 'add', 1);
  await stateOf(counter('doomed'), 1);
  await env.client.signalEntity(counter('doomed'), 'delete');
  await eventually(async () => ((await env.client.readEntityState(counter('doomed'))).entityExists ? undefined : true), 'deletion');
});

it('lets orchestrations signal and call entities, and surfaces operation errors to the caller', async () => {
  const id = await env.client.startNew('UseCounter', { input: 'called' });
  const status = await env.client.waitForCompletion(id);
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toMatchObject({ value: 5 });
  expect((status.output as { error?: string }).error).toBeDefined();
});

it('moves money between two accounts in critical sections with no lost update under 100 concurrent transfers', async () => {
  const a = new df.EntityId('Account', 'alice');
  const b = new df.EntityId('Account', 'bob');
  await env.client.signalEntity(a, 'deposit', 1000);
  await env.client.signalEntity(b, 'deposit', 1000);
  await stateOf(a, 1000);
  await stateOf(b, 1000);

  const transfers = Array.from({ length: 100 }, (_, i) =>
    i % 2 === 0 ? { from: 'alice', to: 'bob', amount: 7 } : { from: 'bob', to: 'alice', amount: 3 },
  );
  const ids = await Promise.all(transfers.map((input) => env.client.startNew('Transfer', { input })));
  const results = await Promise.all(ids.map((id) => env.client.waitForCompletion(id, { timeoutMs: 120_000 })));
  expect(results.every((r) => r.runtimeStatus === 'Completed')).toBe(true);

  // Every transfer had enough funds, so the final balances are exact: 50 × (−7 + 3) for alice.
  expect(await stateOf(a, 1000 - 50 * 7 + 50 * 3)).toBe(800);
  expect(await stateOf(b, 1000 + 50 * 7 - 50 * 3)).toBe(1200);
});
