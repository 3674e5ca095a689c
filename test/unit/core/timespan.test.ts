// .NET TimeSpan strings as host.json writes them (functionTimeout, maxQueuePollingInterval, timer schedules).

import { formatTimeSpan, parseTimeSpan } from '../../../src/core';

test.each([
  ['00:00:30', 30_000],
  ['00:05:00', 300_000],
  ['1.02:03:04', ((24 + 2) * 60 + 3) * 60_000 + 4000],
  ['00:00:01.5', 1500],
  ['3.00:00:00', 3 * 86_400_000],
  ['00:05', 300_000],
  ['01:02:03.5', 3_723_500],
])('TimeSpan %s is %d ms', (text, ms) => {
  expect(parseTimeSpan(text)).toBe(ms);
});

test.each(['30s', '', 'PT30S', '1:2:3:4', 'soon'])('%j is not a TimeSpan', (text) => {
  expect(parseTimeSpan(text)).toBeUndefined();
});

test.each(['24:00:00', '1:60:00', '00:00:75'])('%j has a field out of range', (text) => {
  expect(parseTimeSpan(text)).toBeUndefined();
});

test.each([30_000, 1500, 3 * 86_400_000 + 4000])('%d ms formats and parses back', (ms) => {
  expect(parseTimeSpan(formatTimeSpan(ms))).toBe(ms);
});

test('formats like .NET', () => {
  expect(formatTimeSpan(1000)).toBe('00:00:01');
  expect(formatTimeSpan(26 * 3600_000 + 1)).toBe('1.02:00:00.001');
});
