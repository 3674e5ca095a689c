// ASP.NET route templates as HTTP trigger routes use them (specs/functions-host.md §9 "Templates").
import { parseRouteTemplate, RouteTemplateError } from '../../../src/functions-host/route-template';

const match = (template: string, path: string) => parseRouteTemplate(template).match(path.split('/').filter(Boolean));

describe('route templates', () => {
  test('literal segments match case-insensitively and must all be present', () => {
    expect(match('Orders/Recent', 'orders/RECENT')).toEqual({});
    expect(match('orders/recent', 'orders')).toBeUndefined();
    expect(match('orders', 'orders/extra')).toBeUndefined();
  });

  test('parameters capture URL-decoded segment values', () => {
    expect(match('hello/{name}', 'hello/J%C3%BCrgen%20M')).toEqual({ name: 'Jürgen M' });
    expect(match('hello/{name}', 'hello')).toBeUndefined();
  });

  test('an optional parameter may be missing and is then absent', () => {
    expect(match('hello/{name?}', 'hello')).toEqual({});
    expect(match('hello/{name?}', 'hello/ada')).toEqual({ name: 'ada' });
  });

  test('a default value fills a missing parameter', () => {
    expect(match('pages/{page=1}', 'pages')).toEqual({ page: '1' });
    expect(match('pages/{page:int=1}', 'pages/7')).toEqual({ page: '7' });
  });

  test('a catch-all takes the rest of the path, slashes included', () => {
    expect(match('files/{*path}', 'files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(match('files/{**path}', 'files')).toEqual({});
  });

  test('int accepts 32-bit integers only; long accepts 64-bit', () => {
    expect(match('items/{id:int}', 'items/42')).toEqual({ id: '42' });
    expect(match('items/{id:int}', 'items/-7')).toEqual({ id: '-7' });
    expect(match('items/{id:int}', 'items/abc')).toBeUndefined();
    expect(match('items/{id:int}', 'items/2147483648')).toBeUndefined();
    expect(match('items/{id:long}', 'items/2147483648')).toEqual({ id: '2147483648' });
    expect(match('items/{id:long}', 'items/9223372036854775808')).toBeUndefined();
  });

  test.each([
    ['alpha', 'abcXYZ', 'abc1'],
    ['bool', 'TRUE', 'yes'],
    ['guid', '0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f'],
    ['guid', '{0f8fad5b-d9cb-469f-a165-70867728950e}', '0f8fad5bd9cb469fa16570867728950'],
    ['double', '-1.5e3', '1.2.3'],
    ['decimal', '.5', 'five'],
    ['datetime', '2024-02-29', 'not-a-date'],
    ['datetime', '2024-02-29T10:00:00Z', '2024-13-45x'],
    ['min(10)', '10', '9'],
    ['max(10)', '10', '11'],
    ['range(1,5)', '5', '6'],
    ['minlength(3)', 'abc', 'ab'],
    ['maxlength(3)', 'abc', 'abcd'],
    ['length(3)', 'abc', 'abcd'],
    ['length(2,3)', 'ab', 'a'],
    ['regex(^[a-z]{{2}}\\d+$)', 'AB12', 'abc1'],
    ['int:min(5)', '5', '4'],
  ])('constraint %s accepts %s and rejects %s', (constraint, good, bad) => {
    expect(match(`x/{v:${constraint}}`, `x/${encodeURIComponent(good)}`)).toEqual({ v: good });
    expect(match(`x/{v:${constraint}}`, `x/${encodeURIComponent(bad)}`)).toBeUndefined();
  });

  test('segments mixing literals and parameters give the last parameter the shortest match, as ASP.NET does', () => {
    expect(match('files/{name}.{ext}', 'files/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
    expect(match('files/{name}.{ext}', 'files/README')).toBeUndefined();
  });

  test('leading and trailing slashes are ignored', () => {
    expect(parseRouteTemplate('/items/{id}/').text).toBe('items/{id}');
  });

  test.each([
    ['items/{id:unknown}', /constraint 'unknown'.*not supported/],
    ['items/{id:int(3)}', /takes no arguments/],
    ['items/{id:range(1)}', /needs 2 whole-number argument/],
    ['items/{id', /unclosed '\{'/],
    ['items/{a}/{a}', /appears more than once/],
    ['files/{*path}/more', /catch-all/],
    ['x/{a?}/y', /must be followed only by optional parameters/],
    ['x/{a}{b}', /two parameters with no literal/],
    ['x//y', /empty segment/],
  ])('rejects %s with a clear message', (template, message) => {
    expect(() => parseRouteTemplate(template)).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate(template)).toThrow(message);
  });
});
