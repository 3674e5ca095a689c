// Storage transactions are counted per REST operation (the benchmark's "transactions per orchestration").

import { classifyRequest, StorageTransactionCounter } from '../../../../src/backends/azure-storage/transaction-counter';

const base = 'http://127.0.0.1:10001/devstoreaccount1';

test.each([
  ['queue', 'POST', `${base}/h-control-00/messages?messagettl=-1`, 'send'],
  ['queue', 'GET', `${base}/h-control-00/messages?numofmessages=32`, 'receive'],
  ['queue', 'GET', `${base}/h-control-00/messages?peekonly=true`, 'peek'],
  ['queue', 'DELETE', `${base}/h-control-00/messages/abc?popreceipt=x`, 'delete'],
  ['queue', 'PUT', `${base}/h-control-00/messages/abc?popreceipt=x&visibilitytimeout=0`, 'update'],
  ['queue', 'PUT', `${base}/h-control-00`, 'createQueue'],
  ['table', 'POST', `${base}/$batch`, 'batch'],
  ['table', 'POST', `${base}/Tables`, 'createTable'],
  ['table', 'GET', `${base}/HInstances(PartitionKey='a',RowKey='')`, 'pointRead'],
  ['table', 'PUT', `${base}/HInstances(PartitionKey='a',RowKey='')`, 'replace'],
  ['table', 'PATCH', `${base}/HInstances(PartitionKey='a',RowKey='')`, 'merge'],
  ['table', 'GET', `${base}/HHistory()?$filter=PartitionKey%20eq%20'a'`, 'query'],
  ['table', 'POST', `${base}/HInstances`, 'insert'],
  ['blob', 'PUT', `${base}/h-largemessages/a/b.json.gz`, 'upload'],
  ['blob', 'GET', `${base}/h-largemessages/a/b.json.gz`, 'download'],
  ['blob', 'GET', `${base}/h-largemessages?restype=container&comp=list`, 'list'],
] as const)('%s %s %s is %s', (service, method, url, operation) => {
  expect(classifyRequest(service, { method, url })).toBe(operation);
});

test('the policy counts every request it sees, by service and operation', async () => {
  const counter = new StorageTransactionCounter();
  const policy = counter.policyFor('queue');
  const next = async () => ({ status: 201 }) as never;
  await policy.sendRequest({ method: 'POST', url: `${base}/q/messages` } as never, next);
  await policy.sendRequest({ method: 'POST', url: `${base}/q/messages` } as never, next);
  await policy.sendRequest({ method: 'GET', url: `${base}/q/messages?numofmessages=1` } as never, next);
  expect(counter.total).toBe(3);
  expect(counter.snapshot()).toEqual({ 'queue.receive': 1, 'queue.send': 2 });
  counter.reset();
  expect(counter.total).toBe(0);
});
