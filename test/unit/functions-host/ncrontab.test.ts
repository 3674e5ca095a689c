// NCRONTAB as the timer trigger reads it: six fields with seconds, NCrontab semantics.
import { NcrontabError, parseNcrontab } from '../../../src/functions-host';

// Local-time dates, so the tests hold in any TZ.
const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);
const nextOf = (expression: string, after: Date) => parseNcrontab(expression).next(after);

describe('NCRONTAB', () => {
  test('every five minutes, on the minute', () => {
    expect(nextOf('0 */5 * * * *', at(2024, 3, 1, 10, 2, 30))).toEqual(at(2024, 3, 1, 10, 5, 0));
    expect(nextOf('0 */5 * * * *', at(2024, 3, 1, 10, 5, 0))).toEqual(at(2024, 3, 1, 10, 10, 0));
  });

  test('every second, strictly after the given time (milliseconds dropped)', () => {
    const after = new Date(at(2024, 3, 1, 10, 0, 0).getTime() + 500);
    expect(nextOf('* * * * * *', after)).toEqual(at(2024, 3, 1, 10, 0, 1));
  });

  test('hour ranges and lists', () => {
    expect(nextOf('0 0 9-17 * * *', at(2024, 3, 1, 17, 30))).toEqual(at(2024, 3, 2, 9, 0));
    expect(nextOf('0 0 7,18 * * *', at(2024, 3, 1, 8, 0))).toEqual(at(2024, 3, 1, 18, 0));
  });

  test('weekdays and names: 9:30 every Monday in January', () => {
    // 2024-01-01 is a Monday.
    expect(nextOf('0 30 9 * Jan Mon', at(2024, 1, 1, 10, 0))).toEqual(at(2024, 1, 8, 9, 30));
    expect(nextOf('0 30 9 * * 1-5', at(2024, 1, 5, 10, 0))).toEqual(at(2024, 1, 8, 9, 30)); // Friday -> Monday
  });

  test('day-of-month and day-of-week must both match (NCrontab, unlike vixie cron)', () => {
    // The 13th that is a Friday: 2024-09-13.
    expect(nextOf('0 0 0 13 * 5', at(2024, 1, 1))).toEqual(at(2024, 9, 13));
  });

  test('a step from a start value, and a stepped range', () => {
    expect(nextOf('10/20 * * * * *', at(2024, 3, 1, 0, 0, 31))).toEqual(at(2024, 3, 1, 0, 0, 50));
    expect(nextOf('0 0 1-10/3 * * *', at(2024, 3, 1, 5, 0))).toEqual(at(2024, 3, 1, 7, 0));
  });

  test('month ends and leap days', () => {
    expect(nextOf('0 0 0 31 * *', at(2024, 4, 1))).toEqual(at(2024, 5, 31));
    expect(nextOf('0 0 0 29 2 *', at(2024, 3, 1))).toEqual(at(2028, 2, 29));
  });

  test('the five-field form runs at second 0', () => {
    expect(nextOf('*/15 * * * *', at(2024, 3, 1, 0, 1, 5))).toEqual(at(2024, 3, 1, 0, 15, 0));
  });

  test('a date that never comes has no next occurrence', () => {
    expect(nextOf('0 0 0 30 2 *', at(2024, 1, 1))).toBeUndefined();
  });

  test.each([
    ['* * * *', /has 4 field\(s\); an NCRONTAB expression has six/],
    ['60 * * * * *', /second field '60' has '60', which is outside 0-59/],
    ['0 0 0 * * 7', /day-of-week field '7'.*outside 0-6 \(or SUN-SAT\)/],
    ['0 0 0 * Foo *', /month field 'Foo'/],
    ['0 0 10-5 * * *', /runs backwards/],
    ['*/0 * * * * *', /step of 0/],
    ['0 0 0 ? * *', /is not valid/],
  ])('rejects %s', (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(NcrontabError);
    expect(() => parseNcrontab(expression)).toThrow(message);
  });
});
