// The time skipper moves the clock only while some test still waits: a wait that ends while the skipper is
// looking leaves time where it is for the test's next step.

import { ManualClock } from '../../../src/core';
import { TimeSkipper } from '../../../src/testing/time-skipper';

describe('TimeSkipper', () => {
  it('does not jump when the only wait ended while the skipper was checking whether it may', async () => {
    const clock = new ManualClock(new Date(0));
    let endWait!: () => void;
    const wait = new Promise<void>((resolve) => (endWait = resolve));
    let idleReadings = 0;
    let askedNextTime!: () => void;
    const decided = new Promise<void>((resolve) => (askedNextTime = resolve));
    const skipper = new TimeSkipper(clock, {
      isIdle: () => {
        // The second of the two idle readings: the awaited state arrives right then, and the wait ends.
        if (++idleReadings === 2) endWait();
        return true;
      },
      nextVisibleAt: () => {
        // The jump (if any) follows synchronously: `decided` resolves after it.
        askedNextTime();
        return 60_000;
      },
    });

    await skipper.during(wait, async () => true);
    await decided;
    expect(clock.now()).toBe(0);
  });
});
