// The binding-expression engine shared by every binding (specs/storage-bindings.md §4.4 and "Binding expressions
// from a JSON trigger payload"; azure-docs functions-bindings-expressions-patterns.md).

import { bindingDataOf, bindingParameters, BindingExpressionError, resolveBindingExpression, type ExpressionScope } from '../../../src/bindings';
import type { BindingInvocation, RegisteredFunction, RpcTypedData } from '../../../src/functions-host';

const scope = (data: Record<string, unknown>, extra: Partial<ExpressionScope> = {}): ExpressionScope => ({
  functionName: 'copyFileToBlob',
  bindingName: 'blobOutput1',
  data,
  settings: { CONTAINER: 'backups', Empty: '' },
  ...extra,
});

describe('resolveBindingExpression', () => {
  it('fills {name} from a top-level property of the JSON payload ("JSON payloads")', () => {
    expect(resolveBindingExpression('backups/{backupPath}', scope({ backupPath: 'site/index.html' }))).toBe('backups/site/index.html');
  });

  it('matches names case-insensitively, as the host does', () => {
    expect(resolveBindingExpression('{BACKUPPATH}', scope({ backupPath: 'a.txt' }))).toBe('a.txt');
  });

  it('follows dotted paths into the payload ("Dot notation")', () => {
    expect(resolveBindingExpression('out/{order.customer.id}.json', scope({ order: { customer: { id: 7 } } }))).toBe('out/7.json');
  });

  it('refuses dotted paths where a binding does not support them (table bindings)', () => {
    expect(() => resolveBindingExpression('{order.id}', scope({ order: { id: 1 } }, { allowDotNotation: false }))).toThrow(/does not support dot notation/);
  });

  it('replaces %Setting% with the app setting ("Binding expressions - app settings")', () => {
    expect(resolveBindingExpression('%CONTAINER%/{name}', scope({ name: 'x' }))).toBe('backups/x');
    expect(resolveBindingExpression('%container%/x', scope({}))).toBe('backups/x');
    expect(resolveBindingExpression('a%Empty%b', scope({}))).toBe('ab');
  });

  it('makes a new GUID for each {rand-guid} ("Create GUIDs")', () => {
    const guids = ['11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222'];
    const newGuid = () => guids.shift()!;
    expect(resolveBindingExpression('{rand-guid}/{rand-guid}', scope({}, { newGuid }))).toBe('11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222');
  });

  it('formats {DateTime} as the host does for paths ("Current time": 2018-02-16T17-59-55Z)', () => {
    const now = () => new Date('2018-02-16T17:59:55.123Z');
    expect(resolveBindingExpression('logs/{DateTime}.txt', scope({}, { now }))).toBe('logs/2018-02-16T17-59-55Z.txt');
  });

  it('keeps {{ and }} as literal braces', () => {
    expect(resolveBindingExpression('a/{{literal}}/{name}', scope({ name: 'n' }))).toBe('a/{literal}/n');
    expect(bindingParameters('a/{{literal}}/{name}/%S%')).toEqual(['name']);
  });

  it('writes objects as JSON and numbers and booleans as text', () => {
    expect(resolveBindingExpression('{n}-{b}-{o}', scope({ n: 3, b: false, o: { a: 1 } }))).toBe('3-false-{"a":1}');
  });

  it('fails naming the function, the binding and the expression when a name has no value', () => {
    const resolve = () => resolveBindingExpression('backups/{backupPath}', scope({ filePath: '/x' }));
    expect(resolve).toThrow(BindingExpressionError);
    expect(resolve).toThrow("Function 'copyFileToBlob', binding 'blobOutput1': cannot resolve {backupPath}: no value for 'backupPath' in the trigger's binding data (it has: filePath).");
  });

  it('fails naming the setting when %Setting% is not set', () => {
    expect(() => resolveBindingExpression('%MISSING%/x', scope({}))).toThrow(/cannot resolve %MISSING%: the app setting 'MISSING' is not set/);
  });
});

describe('bindingDataOf', () => {
  const fn = { name: 'f', triggerType: 'activityTrigger', triggerBindingName: 't', bindings: {} } as RegisteredFunction;
  const invocation = (trigger: RpcTypedData, triggerMetadata?: Record<string, RpcTypedData>): BindingInvocation => ({ fn, invocationId: 'i', trigger, triggerMetadata });

  it('holds the durable activity input properties next to the instanceId and data metadata', () => {
    const input = { backupPath: 'a/b.txt', filePath: '/site/a/b.txt' };
    const data = bindingDataOf(invocation({ json: JSON.stringify(input) }, { instanceId: { json: '"abc"' }, data: { json: JSON.stringify(input) } }));
    expect(data).toEqual({ ...input, instanceId: 'abc', data: input });
  });

  it('has no payload properties for a payload that is not a JSON object', () => {
    expect(bindingDataOf(invocation({ json: '"just text"' }))).toEqual({});
    expect(bindingDataOf(invocation({ json: '[1,2]' }))).toEqual({});
  });

  it('holds HTTP query values, JSON body properties and route values, the route winning (functions-host.md §10)', () => {
    const http = {
      nullableQuery: { customer: { value: 'from-query' }, page: { value: '2' } },
      nullableParams: { customer: { value: 'from-route' } },
      body: { bytes: Buffer.from(JSON.stringify({ item: 'widget', customer: 'from-body' })) },
    };
    expect(bindingDataOf(invocation({ http }))).toEqual({ customer: 'from-route', page: '2', item: 'widget' });
  });
});
