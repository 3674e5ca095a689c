// A queue reader's wake-ups for messages this process made visible later (issue 12: timers on time): one call per
// due moment, none early, moments within a few milliseconds merged, on Jest's fake clock.

import { WakeSchedule } from '../../../../src/backends/azure-storage/wake-schedule';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('wakes at each due moment, in order, and not before', () => {
  const wake = jest.fn();
  const schedule = new WakeSchedule(wake);
  schedule.add(3000);
  schedule.add(1000);
  jest.advanceTimersByTime(999);
  expect(wake).not.toHaveBeenCalled();
  jest.advanceTimersByTime(1);
  expect(wake).toHaveBeenCalledTimes(1);
  jest.advanceTimersByTime(1999);
  expect(wake).toHaveBeenCalledTimes(1);
  jest.advanceTimersByTime(1);
  expect(wake).toHaveBeenCalledTimes(2);
  expect(schedule.size).toBe(0);
});

test('moments a few milliseconds apart share one wake-up', () => {
  const wake = jest.fn();
  const schedule = new WakeSchedule(wake);
  schedule.add(1000);
  schedule.add(1005);
  expect(schedule.size).toBe(1);
  jest.advanceTimersByTime(2000);
  expect(wake).toHaveBeenCalledTimes(1);
});

test('clear() cancels every pending wake-up', () => {
  const wake = jest.fn();
  const schedule = new WakeSchedule(wake);
  schedule.add(1000);
  schedule.clear();
  jest.advanceTimersByTime(2000);
  expect(wake).not.toHaveBeenCalled();
});
