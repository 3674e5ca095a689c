// Errors of the durable extension's wiring.

import { DurableRuntimeError } from '../core';

/** The app's storage provider cannot run here; the message says which and what to run instead. */
export class StorageProviderUnavailableError extends DurableRuntimeError {}
