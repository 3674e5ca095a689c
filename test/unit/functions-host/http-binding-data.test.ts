// The HTTP trigger's binding data, which a streaming app sees as request.params (specs/functions-host.md §10, last
// paragraph; the WebJobs tests GetRequestBindingDataAsync_ReadsFromQueryString / _ReadsFromBody).
import { httpBindingData } from '../../../src/functions-host/http-binding-data';

const url = (query: string) => new URL(`http://localhost/api/start${query}`);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('HTTP binding data', () => {
  test('every query-string parameter, repeated ones joined with ","', () => {
    expect(httpBindingData(url('?orchestrationName=HelloCities&tag=a&tag=b'), {})).toEqual({ orchestrationName: 'HelloCities', tag: 'a,b' });
  });

  test('the function key in `code` is never bound', () => {
    expect(httpBindingData(url('?code=secret&CODE=other&x=1'), {})).toEqual({ x: '1' });
  });

  test("a JSON object body's top-level strings, numbers and booleans; null, objects and arrays are left out", () => {
    const body = json({ s: 'text', n: 4.5, yes: true, no: false, none: null, nested: { a: 1 }, list: [1, 2] });
    expect(httpBindingData(url(''), {}, body)).toEqual({ s: 'text', n: '4.5', yes: 'True', no: 'False' });
  });

  test('bodies that are not a JSON object bind nothing', () => {
    for (const body of [json([{ a: 1 }]), json('text'), Buffer.from('{not json}'), Buffer.from('a=1&b=2'), Buffer.alloc(0)]) {
      expect(httpBindingData(url(''), {}, body)).toEqual({});
    }
  });

  test('the query wins over the body and the route over both, case-insensitively, under the first spelling', () => {
    const body = json({ Name: 'body', onlyBody: 'b', Shared: 'body' });
    expect(httpBindingData(url('?name=query&SHARED=query&onlyQuery=q'), { NAME: 'route' }, body)).toEqual({
      Name: 'route',
      onlyBody: 'b',
      Shared: 'query',
      onlyQuery: 'q',
    });
  });
});
