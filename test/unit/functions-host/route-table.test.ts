// Route validation and matching like the Functions host (specs/functions-host.md §9: ScriptHost.ValidateHttpFunction,
// HttpRoutesConflict, first match wins).
import type { RegisteredFunction } from '../../../src/functions-host';
import { FunctionRegistrationError } from '../../../src/functions-host';
import { buildRouteTable } from '../../../src/functions-host/route-table';

function httpFunction(name: string, options: Record<string, unknown> = {}): RegisteredFunction {
  return {
    name,
    triggerType: 'httpTrigger',
    triggerBindingName: 'req',
    bindings: { req: { type: 'httpTrigger', direction: 'in', name: 'req', ...options }, $return: { type: 'http', direction: 'out', name: '$return' } },
  };
}

describe('route table', () => {
  test('an empty route means the function name, under the route prefix, case-insensitively', () => {
    const table = buildRouteTable([httpFunction('HelloWorld')], 'api');
    expect(table.match('GET', '/API/helloworld')?.route.fn.name).toBe('HelloWorld');
    expect(table.match('GET', '/helloworld')).toBeUndefined();
    expect(table.displayPath(table.routes[0])).toBe('/api/HelloWorld');
  });

  test('an empty prefix serves routes at the root; a nested prefix needs every segment', () => {
    expect(buildRouteTable([httpFunction('a', { route: 'x' })], '').match('GET', '/x')).toBeDefined();
    const nested = buildRouteTable([httpFunction('a', { route: 'x' })], 'api/v1');
    expect(nested.match('GET', '/api/v1/x')).toBeDefined();
    expect(nested.match('GET', '/api/x')).toBeUndefined();
  });

  test('methods restrict a route; no methods means every method', () => {
    const table = buildRouteTable([httpFunction('get', { route: 'r', methods: ['GET'] }), httpFunction('any', { route: 's' })], 'api');
    expect(table.match('GET', '/api/r')).toBeDefined();
    expect(table.match('POST', '/api/r')).toBeUndefined();
    expect(table.match('PATCH', '/api/s')).toBeDefined();
  });

  test('routes are tried in registration order and the first match wins', () => {
    const table = buildRouteTable([httpFunction('byParam', { route: 'items/{id}' }), httpFunction('literal', { route: 'items/special' })], 'api');
    expect(table.match('GET', '/api/items/special')?.route.fn.name).toBe('byParam');
  });

  test('the same template with overlapping methods is a conflict naming both functions', () => {
    const build = () => buildRouteTable([httpFunction('first', { route: 'orders/{id}', methods: ['GET', 'POST'] }), httpFunction('second', { route: '/Orders/{id}', methods: ['POST'] })], 'api');
    expect(build).toThrow(FunctionRegistrationError);
    expect(build).toThrow("The route 'Orders/{id}' of function 'second' conflicts with the route defined by function 'first'");
  });

  test('the same template with disjoint methods is not a conflict', () => {
    const table = buildRouteTable([httpFunction('get', { route: 'orders', methods: ['GET'] }), httpFunction('post', { route: 'orders', methods: ['POST'] })], 'api');
    expect(table.match('POST', '/api/orders')?.route.fn.name).toBe('post');
  });

  test.each(['admin/x', 'administration', 'Runtime/webhooks'])('a route starting with admin or runtime (%s) is rejected', (route) => {
    expect(() => buildRouteTable([httpFunction('f', { route })], 'api')).toThrow(/conflicts with one or more built in routes/);
  });

  test('authLevel defaults to function and must be a known level', () => {
    expect(buildRouteTable([httpFunction('f')], 'api').routes[0].authLevel).toBe('function');
    expect(buildRouteTable([httpFunction('f', { authLevel: 'Anonymous' })], 'api').routes[0].authLevel).toBe('anonymous');
    expect(() => buildRouteTable([httpFunction('f', { authLevel: 'secret' })], 'api')).toThrow(/authLevel of function 'f' must be/);
  });

  test('a bad template names the function', () => {
    expect(() => buildRouteTable([httpFunction('broken', { route: 'x/{id:nope}' })], 'api')).toThrow(/Function 'broken': The constraint 'nope'/);
  });
});
