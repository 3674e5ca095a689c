// Errors of the durable extension's wiring.

/** The app's storage provider cannot run here; the message says which and what to run instead. */
export class StorageProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageProviderUnavailableError';
  }
}
