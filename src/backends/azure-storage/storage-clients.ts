// Creates the SDK clients of one storage account. Each client gets its own pipeline (the storage SDKs share a
// pipeline between a service client and the clients derived from it, which would count requests twice), with
// the transaction counter attached.

import { TableClient } from '@azure/data-tables';
import { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { QueueClient, type StoragePipelineOptions } from '@azure/storage-queue';
import type { StorageConnection } from './storage-connection';
import type { StorageService, StorageTransactionCounter } from './transaction-counter';

export class StorageClients {
  constructor(
    readonly connection: StorageConnection,
    private readonly counter: StorageTransactionCounter,
  ) {}

  /** "devstoreaccount1 (http://127.0.0.1:10002/…)" — for logs and error messages; never includes a key. */
  get description(): string {
    return `${this.connection.accountName ?? 'storage'} (${this.connection.endpoints.table})`;
  }

  table(name: string): TableClient {
    const options = { allowInsecureConnection: true, ...this.policies('table') };
    const c = this.connection;
    return c.kind === 'connectionString'
      ? TableClient.fromConnectionString(c.connectionString, name, options)
      : new TableClient(c.endpoints.table, name, c.credential, options);
  }

  queue(name: string): QueueClient {
    const c = this.connection;
    return c.kind === 'connectionString'
      ? new QueueClient(c.connectionString, name, this.storageOptions('queue'))
      : new QueueClient(`${c.endpoints.queue}/${name}`, c.credential, this.storageOptions('queue'));
  }

  container(name: string): ContainerClient {
    const c = this.connection;
    return c.kind === 'connectionString'
      ? new ContainerClient(c.connectionString, name, this.storageOptions('blob'))
      : new ContainerClient(`${c.endpoints.blob}/${name}`, c.credential, this.storageOptions('blob'));
  }

  /** A client per blob: clients derived from a ContainerClient would share (and re-add to) its pipeline. */
  blob(container: string, name: string): BlockBlobClient {
    const c = this.connection;
    return c.kind === 'connectionString'
      ? new BlockBlobClient(c.connectionString, container, name, this.storageOptions('blob'))
      : new BlockBlobClient(`${c.endpoints.blob}/${container}/${encodeURIComponent(name).replace(/%2F/g, '/')}`, c.credential, this.storageOptions('blob'));
  }

  private policies(service: StorageService) {
    return { additionalPolicies: [{ policy: this.counter.policyFor(service), position: 'perRetry' as const }] };
  }

  /** `additionalPolicies` reaches the storage clients' core-client pipeline, though their option types omit it. */
  private storageOptions(service: StorageService): StoragePipelineOptions {
    return this.policies(service) as StoragePipelineOptions;
  }
}
