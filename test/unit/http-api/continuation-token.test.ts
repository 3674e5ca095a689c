// The x-ms-continuation-token contract (specs/durable-functions-protocol.md §6.2 "paging", §9.10).
import { decodeContinuationToken, encodeContinuationToken } from '../../../src/http-api/continuation-token';

describe('continuation tokens', () => {
  it('round-trips a task hub token', () => {
    const hubToken = '{"partition":3,"row":"abc/def"}';
    expect(decodeContinuationToken(encodeContinuationToken(hubToken))).toBe(hubToken);
  });

  it('ends paging with an empty header, never a literal "null"', () => {
    expect(encodeContinuationToken(undefined)).toBe('');
    expect(encodeContinuationToken('')).toBe('');
  });

  it('starts at the first page for an absent or empty header', () => {
    expect(decodeContinuationToken(undefined)).toBeUndefined();
    expect(decodeContinuationToken('  ')).toBeUndefined();
  });

  it('refuses a token it did not issue with a 400 that says what to send', () => {
    expect(() => decodeContinuationToken('12')).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/send back/) }));
    expect(() => decodeContinuationToken('dr1.not base64!')).toThrow(/not a token this API issued/);
  });
});
