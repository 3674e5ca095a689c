// The storage accounts the bindings use, resolved from each binding's `connection` as the Functions host does:
// the `AzureWebJobs` prefix may be left off, an empty connection means `AzureWebJobsStorage`, identity-based
// settings (`<name>__serviceUri`, `__queueServiceUri`, …) go through @azure/identity, and `UseDevelopmentStorage=true`
// uses the Azurite that `start` manages (the bundled one in <app>/.azurite, or one already on 10000–10002)
// (specs/storage-bindings.md §4.1). Azurite is started only when a binding needs it: durable-only apps need no storage.

import path from 'node:path';
import type { Logger } from '../core';
import {
  DEFAULT_CONNECTION_NAME,
  StorageClients,
  StorageTransactionCounter,
  ensureDevelopmentStorage,
  resolveStorageConnection,
  type AppSettings,
  type AzuriteInstance,
} from '../backends/azure-storage';

export class StorageAccounts {
  readonly #accounts = new Map<string, Promise<StorageClients>>();
  readonly #counter = new StorageTransactionCounter();
  readonly #created = new Map<string, Promise<void>>();
  #azurite?: Promise<AzuriteInstance>;

  constructor(
    private readonly settings: AppSettings,
    private readonly appDir: string,
    private readonly logger: Logger,
  ) {}

  /** The setting a binding's `connection` names: empty means AzureWebJobsStorage. */
  static settingName(connection: unknown): string {
    return typeof connection === 'string' && connection.trim() !== '' ? connection.trim() : DEFAULT_CONNECTION_NAME;
  }

  /** Clients of the account `connection` names; throws StorageConfigurationError naming the setting when it is missing or malformed. */
  clients(connection: unknown): Promise<StorageClients> {
    const name = StorageAccounts.settingName(connection);
    let account = this.#accounts.get(name);
    if (!account) {
      account = this.#open(name);
      this.#accounts.set(name, account);
      account.catch(() => this.#accounts.delete(name)); // a fixed setting or a started Azurite is picked up next time
    }
    return account;
  }

  /** Creates the container once per process (and again after a failure). */
  ensureContainer(clients: StorageClients, name: string): Promise<void> {
    return this.#once(`blob|${clients.description}|${name}`, async () => void (await clients.container(name).createIfNotExists()));
  }

  ensureQueue(clients: StorageClients, name: string): Promise<void> {
    return this.#once(`queue|${clients.description}|${name}`, async () => void (await clients.queue(name).createIfNotExists()));
  }

  ensureTable(clients: StorageClients, name: string): Promise<void> {
    return this.#once(`table|${clients.description}|${name}`, () => clients.table(name).createTable());
  }

  #once(key: string, create: () => Promise<void>): Promise<void> {
    let created = this.#created.get(key);
    if (!created) {
      created = create();
      this.#created.set(key, created);
      created.catch(() => this.#created.delete(key));
    }
    return created;
  }

  async close(): Promise<void> {
    const azurite = await this.#azurite?.catch(() => undefined);
    await azurite?.stop();
  }

  async #open(name: string): Promise<StorageClients> {
    const connection = resolveStorageConnection(this.settings, name);
    const raw = this.settings[name] ?? this.settings[`AzureWebJobs${name}`] ?? '';
    if (/usedevelopmentstorage\s*=\s*true/i.test(raw)) {
      this.#azurite ??= ensureDevelopmentStorage(path.join(this.appDir, '.azurite'), this.logger);
      await this.#azurite;
    }
    return new StorageClients(connection, this.#counter);
  }
}
