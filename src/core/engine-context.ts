// What the engine's pure rules need from the outside: the time of this step, a place for log lines and a
// source of fresh ids. Passing them in keeps the rules deterministic under test.

import type { Logger } from './logger';

export interface EngineContext {
  /** Epoch ms: when this step happens. The rules never read a clock themselves. */
  now: number;
  logger: Logger;
  /** Fresh execution and request ids (32 hex digits in production; a counter in tests). */
  newId: () => string;
  /** The most entity operations one entity batch runs (the extension's `maxEntityOperationBatchSize`). */
  maxEntityBatchSize: number;
}

/** The extension's default on dedicated plans is 5000 and 50 on consumption; a small batch keeps latency low. */
export const DEFAULT_MAX_ENTITY_BATCH_SIZE = 50;
