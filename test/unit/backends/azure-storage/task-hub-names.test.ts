// Hub names (specs/backends.md A2; DF AzureStorageOptions.ValidateHubName, DurableTaskOptions.HubName).

import { resolveTaskHubName } from '../../../../src/backends/azure-storage/create-azure-storage-backend';
import { InvalidTaskHubNameError, TaskHubResources, sanitizeTaskHubName, validateTaskHubName } from '../../../../src/backends/azure-storage/task-hub-names';

test('resources: tables keep the hub’s case, queues and containers are lower-cased, control queues are numbered 00–NN (A2)', () => {
  const resources = new TaskHubResources('MyHub', 4);
  expect(resources).toMatchObject({
    historyTable: 'MyHubHistory',
    instancesTable: 'MyHubInstances',
    partitionsTable: 'MyHubPartitions',
    workItemQueue: 'myhub-workitems',
    largeMessageContainer: 'myhub-largemessages',
    poisonQueue: 'myhub-poison',
    controlQueues: ['myhub-control-00', 'myhub-control-01', 'myhub-control-02', 'myhub-control-03'],
  });
  expect(new TaskHubResources('MyHub', 16).controlQueues[15]).toBe('myhub-control-15');
});

test.each([0, 17, 2.5])('partition count %p is rejected (1–16, A2)', (count) => {
  expect(() => new TaskHubResources('MyHub', count)).toThrow(/partitionCount must be an integer from 1 to 16/);
});

test.each([
  ['ab', /has 2 characters/],
  ['a'.repeat(46), /has 46 characters/],
  ['1hub', /does not start with a letter/],
  ['my-hub', /contains '-'/],
])('hub name %j is rejected with the reason', (name, reason) => {
  expect(() => validateTaskHubName(name)).toThrow(InvalidTaskHubNameError);
  expect(() => validateTaskHubName(name)).toThrow(reason);
});

test('the sanitizer drops non-alphanumerics, prefixes a leading digit with t and cuts to 45 (A2)', () => {
  expect(sanitizeTaskHubName('my-func-app')).toBe('myfuncapp');
  expect(sanitizeTaskHubName('1app')).toBe('t1app');
  expect(sanitizeTaskHubName('x'.repeat(60))).toHaveLength(45);
});

test('hubName resolves %APPSETTING% tokens, defaults to the site name or TestHubName', () => {
  expect(resolveTaskHubName('%TASKHUB_NAME%', { TASKHUB_NAME: 'SampleHub' })).toBe('SampleHub');
  expect(resolveTaskHubName('Hub%N%', { N: '2' })).toBe('Hub2');
  expect(resolveTaskHubName(undefined, { WEBSITE_SITE_NAME: 'my-app' })).toBe('myapp');
  expect(resolveTaskHubName(undefined, {})).toBe('TestHubName');
  expect(() => resolveTaskHubName('%MISSING%', {})).toThrow(/the app setting MISSING it refers to is not set/);
  expect(() => resolveTaskHubName('%H%', { H: 'th-abc' })).toThrow(/contains '-'/);
});
