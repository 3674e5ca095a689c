// Small protocol rules: RpcTypedData, Set-Cookie serialization (specs/functions-host.md §7, §8).
import { decodeTypedData, encodeTypedData } from '../../../src/functions-host/typed-data';
import { requestQuery, serializeCookie } from '../../../src/functions-host/http-messages';

describe('RpcTypedData', () => {
  test('values travel as JSON, so a string stays a string even when it looks like JSON (§7)', () => {
    expect(encodeTypedData('42')).toEqual({ json: '"42"' });
    expect(encodeTypedData({ a: [1, null] })).toEqual({ json: '{"a":[1,null]}' });
    expect(encodeTypedData(null)).toEqual({ json: 'null' });
    expect(encodeTypedData(undefined)).toBeUndefined();
  });

  test('bytes travel as bytes', () => {
    expect(encodeTypedData(Buffer.from([1, 2]))).toEqual({ bytes: new Uint8Array([1, 2]) });
  });

  test('decodes what the library returns (§8 toRpcTypedData)', () => {
    expect(decodeTypedData({ string: '42' })).toBe('42');
    expect(decodeTypedData({ json: '{"isDone":true}' })).toEqual({ isDone: true });
    expect(decodeTypedData({ int: 7 })).toBe(7);
    expect(decodeTypedData({ double: 1.5 })).toBe(1.5);
    expect(decodeTypedData({ bytes: new Uint8Array([3]) })).toEqual(Buffer.from([3]));
    expect(decodeTypedData({ http: { statusCode: '201' } })).toEqual({ statusCode: '201' });
    expect(decodeTypedData(undefined)).toBeUndefined();
  });
});

describe('Set-Cookie', () => {
  test('serializes every RpcHttpCookie attribute', () => {
    expect(
      serializeCookie({
        name: 'sid',
        value: 'abc',
        domain: { value: 'example.com' },
        path: { value: '/' },
        expires: { value: { seconds: 1_700_000_000 } },
        maxAge: { value: 60 },
        secure: { value: true },
        httpOnly: { value: true },
        sameSite: 'strict',
      }),
    ).toBe('sid=abc; domain=example.com; path=/; expires=Tue, 14 Nov 2023 22:13:20 GMT; max-age=60; secure; samesite=strict; httponly');
  });

  test("sameSite 'none' means not set; 'explicitNone' means SameSite=None (§8)", () => {
    expect(serializeCookie({ name: 'a', value: '1', sameSite: 'none' })).toBe('a=1');
    expect(serializeCookie({ name: 'a', value: '1', sameSite: 'explicitNone' })).toBe('a=1; samesite=none');
  });
});

describe('request query', () => {
  test('repeated keys are joined with "," (§7)', () => {
    expect(requestQuery(new URL('http://h/api/x?a=1&b=2&a=3'))).toEqual({ a: '1,3', b: '2' });
  });

  test('keys named like Object.prototype members are plain keys', () => {
    expect(requestQuery(new URL('http://h/api/x?constructor=1&toString=2&toString=3'))).toEqual({ constructor: '1', toString: '2,3' });
  });
});
