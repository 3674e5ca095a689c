// Query-string conventions of the extension's HttpApiHandler (specs/durable-functions-protocol.md §7).
import { HttpApiError } from '../../../src/http-api/errors';
import { parseIsoDateTime } from '../../../src/core';
import { QueryParameters } from '../../../src/http-api/query-parameters';

const q = (raw: string) => new QueryParameters(raw);

describe('QueryParameters', () => {
  it('reads names in any case and joins repeated names with commas (.NET NameValueCollection)', () => {
    expect(q('ShowHistory=true').boolean('showHistory', false)).toBe(true);
    expect(q('runtimeStatus=Running&runtimestatus=Pending').string('runtimeStatus')).toBe('Running,Pending');
  });

  it('ignores booleans that do not parse, as bool.TryParse does', () => {
    expect(q('showInput=1').boolean('showInput', true)).toBe(true);
    expect(q('showInput=FALSE').boolean('showInput', true)).toBe(false);
  });

  it('reads top as a positive page size and refuses zero or negative sizes', () => {
    expect(q('top=5').pageSize('top')).toBe(5);
    expect(q('top=abc').pageSize('top')).toBeUndefined();
    expect(() => q('top=0').pageSize('top')).toThrow(/positive/);
    expect(() => q('top=-3').pageSize('top')).toThrow(HttpApiError);
  });

  it('reads runtime statuses by name in any case or by .NET number, and refuses unknown names', () => {
    expect(q('runtimeStatus=running,Pending,5').statuses('runtimeStatus')).toEqual(['Running', 'Pending', 'Terminated']);
    expect(() => q('runtimeStatus=Running,Done').statuses('runtimeStatus')).toThrow(/'Done', which is not a runtime status/);
    expect(q('runtimeStatus=').statuses('runtimeStatus')).toBeUndefined();
  });

  it('reads dates as ISO strings and refuses what is not a date', () => {
    expect(q('createdTimeFrom=2024-01-31T08:00:00.000Z').date('createdTimeFrom')).toBe('2024-01-31T08:00:00.000Z');
    expect(() => q('createdTimeFrom=yesterday').date('createdTimeFrom')).toThrow(/not a date/);
    expect(q('other=1').date('createdTimeFrom')).toBeUndefined();
  });

  it('reads wait times in seconds as milliseconds, clamped to what a timer can hold', () => {
    expect(q('timeout=1.5').seconds('timeout')).toBe(1500);
    expect(q('timeout=-4').seconds('timeout')).toBe(0);
    expect(q('timeout=1e12').seconds('timeout')).toBe(2 ** 31 - 1);
    expect(() => q('timeout=Infinity').seconds('timeout')).toThrow(/number of seconds/);
    expect(() => q('timeout=soon').seconds('timeout')).toThrow(HttpApiError);
  });
});

describe('parseIsoDateTime (core), as the HTTP API reads times', () => {
  it('treats a time without offset as UTC and applies offsets', () => {
    expect(parseIsoDateTime('2024-03-01T10:00:00')).toBe('2024-03-01T10:00:00.000Z');
    expect(parseIsoDateTime('2024-03-01T10:00:00+02:00')).toBe('2024-03-01T08:00:00.000Z');
    expect(parseIsoDateTime('2024-03-01')).toBe('2024-03-01T00:00:00.000Z');
  });

  it("pads years with fewer than four digits (Python's strftime on Linux)", () => {
    expect(parseIsoDateTime('999-01-01T00:00:00Z')).toBe('0999-01-01T00:00:00.000Z');
  });

  it('refuses dates that do not exist and free text', () => {
    expect(parseIsoDateTime('2024-02-30T00:00:00Z')).toBeUndefined();
    expect(parseIsoDateTime('next tuesday')).toBeUndefined();
    expect(parseIsoDateTime('2024-01-01T00:00:00Zjunk')).toBeUndefined();
  });
});
