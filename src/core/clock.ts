// Time is injected: code asks a Clock for "now" instead of reading Date.now(), so tests and
// createTestEnvironment can move time forward (ARCHITECTURE.md "Time is injected").

import { rememberLast } from './remember-last';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. Listeners hear every move (backends wake sleepers with it). */
export class ManualClock implements Clock {
  private current: number;
  private readonly listeners = new Set<() => void>();

  constructor(start: number | Date = Date.UTC(2024, 0, 1)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('A clock cannot move backwards');
    this.set(this.current + ms);
  }

  set(time: number): void {
    if (time < this.current) throw new RangeError('A clock cannot move backwards');
    this.current = time;
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `new Date(ms).toISOString()`. */
export const isoTime: (ms: number) => string = rememberLast((ms: number) => new Date(ms).toISOString());
