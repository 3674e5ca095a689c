import { ConcurrencyLimit } from '../../../src/worker/concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('admits up to the limit and then serves waiters in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    await limit.acquire();
    await limit.acquire();
    const order: number[] = [];
    const third = limit.acquire().then(() => order.push(3));
    const fourth = limit.acquire().then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(limit.inUse).toBe(2);
    limit.release();
    await third;
    limit.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(limit.inUse).toBe(2);
  });

  it('tryAcquire takes a free slot at once, refuses when none is free, and never jumps ahead of a waiter', async () => {
    const limit = new ConcurrencyLimit(1);
    expect(limit.tryAcquire()).toBe(true);
    expect(limit.tryAcquire()).toBe(false);
    const waiting = limit.acquire();
    limit.release(); // the slot passes to the waiter
    expect(limit.tryAcquire()).toBe(false);
    await waiting;
    expect(limit.inUse).toBe(1);
    limit.release();
    expect(limit.tryAcquire()).toBe(true);
  });

  it('rejects limits that are not whole numbers of at least one', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(/at least 1/);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError);
  });
});
