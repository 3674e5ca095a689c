import { parseSchedulerId, toSchedulerId, isEntityInstanceId } from '../../../src/core';
import { runtimeStatusFromNumber, runtimeStatusToNumber, isTerminal } from '../../../src/core';

// specs/durable-functions-protocol.md §4.1: scheduler id = "@" + lower-cased name + "@" + key; parse splits at the second "@".
describe('entity scheduler ids', () => {
  it('lower-cases the name but keeps the key', () => {
    expect(toSchedulerId({ name: 'Counter', key: 'MyKey' })).toBe('@counter@MyKey');
  });

  it('parses keys that contain "@"', () => {
    expect(parseSchedulerId('@account@a@b')).toEqual({ name: 'account', key: 'a@b' });
  });

  it('rejects ids that are not entity ids, naming the expected form', () => {
    expect(() => parseSchedulerId('plain')).toThrow('expected "@<name>@<key>"');
    expect(isEntityInstanceId('plain')).toBe(false);
    expect(isEntityInstanceId('@counter@k')).toBe(true);
  });
});

// specs/backends.md A4.2 / B3: Running=0, Completed=1, ContinuedAsNew=2, Failed=3, Canceled=4, Terminated=5, Pending=6, Suspended=7.
describe('runtime status numbering', () => {
  it('matches the .NET and DTS enum', () => {
    expect(runtimeStatusToNumber('Running')).toBe(0);
    expect(runtimeStatusToNumber('Pending')).toBe(6);
    expect(runtimeStatusFromNumber(7)).toBe('Suspended');
    expect(() => runtimeStatusFromNumber(8)).toThrow(RangeError);
  });

  it('treats only finished statuses as terminal', () => {
    expect(['Completed', 'Failed', 'Terminated', 'Canceled'].every((s) => isTerminal(s as never))).toBe(true);
    expect(['Running', 'Pending', 'Suspended', 'ContinuedAsNew'].some((s) => isTerminal(s as never))).toBe(false);
  });
});
