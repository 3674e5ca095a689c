// Blob triggers by container scan (Azurite has no analytics logs), with the storage extension's receipts so a blob
// version (ETag) runs once, across restarts and hosts (specs/storage-bindings.md §4.3):
//   receipt `azure-webjobs-hosts/blobreceipts/{hostId}/{functionId}/{eTag}/{container}/{blobName}` in the
//   AzureWebJobsStorage account, created incomplete (If-None-Match: *) under a 30 s lease, marked complete once the
//   function succeeded or the blob went to `webjobs-blobtrigger-poison` after maxDequeueCount tries.
// Unlike the extension, tries run here in-process under the renewed lease instead of through the internal
// `azure-webjobs-blobtrigger-{hostId}` queue; a host that dies mid-run leaves an incomplete receipt whose lease
// expires, and the next scan runs that version again.

import type { BlobItem, BlockBlobClient } from '@azure/storage-blob';
import { describeStorageFailure, PollingBackoff, type StorageClients } from '../backends/azure-storage';
import { resolveBindingExpression } from './binding-expressions';
import { MIN_POLLING_INTERVAL_MS } from './storage-extension-options';
import type { TriggerContext, TriggerListener, TriggerType } from './binding-type';
import { checkContainerOrQueueName } from './blob-path';
import { parseBlobPathPattern, type BlobPathPattern } from './blob-path-pattern';

const RECEIPTS_CONTAINER = 'azure-webjobs-hosts';
const POISON_QUEUE = 'webjobs-blobtrigger-poison';
const LEASE_S = 30;
const RENEW_EVERY_MS = (LEASE_S * 1000) / 2;

export const blobTrigger: TriggerType = {
  type: 'blobTrigger',
  async listen(context) {
    const listener = new BlobScanner(context);
    await listener.start();
    return listener;
  },
};

class BlobScanner implements TriggerListener {
  readonly #context: TriggerContext;
  readonly #backoff: PollingBackoff;
  /** Versions this process saw complete: `${name}|${etag}`, so steady scans read no receipts. */
  readonly #done = new Set<string>();
  #pattern!: BlobPathPattern;
  #clients!: StorageClients;
  #hostClients!: StorageClients;
  #stopped = false;
  #loop?: Promise<void>;
  #failing = false;

  constructor(context: TriggerContext) {
    this.#context = context;
    this.#backoff = new PollingBackoff(context.options.maxPollingIntervalMs, MIN_POLLING_INTERVAL_MS);
  }

  async start(): Promise<void> {
    const { fn, trigger, accounts, settings } = this.#context;
    const where = `Function '${fn.name}', blob trigger '${trigger.name}'`;
    // Only %settings% here: `{…}` in a trigger path are captures, filled from each blob's name.
    const path = String(trigger.path ?? '').replace(/%[^%]*%/g, (token) => resolveBindingExpression(token, { functionName: fn.name, bindingName: trigger.name, data: {}, settings }));
    this.#pattern = parseBlobPathPattern(path, where);
    checkContainerOrQueueName('container', this.#pattern.container, where);
    this.#clients = await accounts.clients(trigger.connection);
    // Receipts and the poison queue live in the host's own account (AzureWebJobsStorage).
    this.#hostClients = await accounts.clients(undefined);
    this.#loop = this.#scanLoop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#backoff.nudge();
    await this.#loop;
  }

  async #scanLoop(): Promise<void> {
    while (!this.#stopped) {
      let ran = false;
      try {
        ran = await this.#scan();
        if (this.#failing) this.#context.logger.info(`Function '${this.#context.fn.name}': container '${this.#pattern.container}' answers again.`);
        this.#failing = false;
      } catch (error) {
        if (!this.#failing) {
          this.#context.logger.error(`Function '${this.#context.fn.name}', blob trigger '${this.#context.trigger.name}': cannot scan container '${this.#pattern.container}': ${describeStorageFailure(error)} Retrying.`);
        }
        this.#failing = true;
      }
      if (ran) this.#backoff.reset();
      else await this.#backoff.wait();
    }
  }

  /** One pass over the container; true when some version ran. */
  async #scan(): Promise<boolean> {
    const { accounts } = this.#context;
    const container = this.#clients.container(this.#pattern.container);
    await accounts.ensureContainer(this.#clients, this.#pattern.container);
    await accounts.ensureContainer(this.#hostClients, RECEIPTS_CONTAINER);
    let ran = false;
    for await (const blob of container.listBlobsFlat({ prefix: this.#pattern.prefix, includeMetadata: true })) {
      if (this.#stopped) break;
      const captures = this.#pattern.match(blob.name);
      const etag = blob.properties.etag?.replace(/"/g, '');
      if (!captures || !etag || this.#done.has(`${blob.name}|${etag}`)) continue;
      if (await this.#runOnce(blob, etag, captures)) ran = true;
    }
    return ran;
  }

  async #runOnce(blob: BlobItem, etag: string, captures: Record<string, string>): Promise<boolean> {
    const { fn, hostId } = this.#context;
    const receipt = this.#hostClients.blob(RECEIPTS_CONTAINER, `blobreceipts/${hostId}/Host.Functions.${fn.name}/${etag}/${this.#pattern.container}/${blob.name}`);
    const key = `${blob.name}|${etag}`;
    const claimed = await claimReceipt(receipt);
    if (claimed === 'complete') {
      this.#done.add(key);
      return false;
    }
    if (claimed === 'busy') return false;
    const lease = receipt.getBlobLeaseClient(claimed.leaseId);
    const renew = setInterval(() => void lease.renewLease().catch(() => undefined), RENEW_EVERY_MS);
    renew.unref();
    try {
      await this.#invokeWithRetries(this.#clients.blob(this.#pattern.container, blob.name), blob, etag, captures);
      await receipt.setMetadata({ IsCompleted: 'true' }, { conditions: { leaseId: claimed.leaseId } });
      this.#done.add(key);
    } finally {
      clearInterval(renew);
      await lease.releaseLease().catch(() => undefined);
    }
    return true;
  }

  async #invokeWithRetries(client: BlockBlobClient, blob: BlobItem, etag: string, captures: Record<string, string>): Promise<void> {
    const { app, fn, options, logger } = this.#context;
    const blobTriggerPath = `${this.#pattern.container}/${blob.name}`;
    for (let attempt = 1; attempt <= options.maxDequeueCount; attempt++) {
      let content: Buffer;
      try {
        content = await client.downloadToBuffer();
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return; // deleted meanwhile: nothing to run
        throw error; // storage trouble, not the function's: the receipt stays incomplete and a later scan retries
      }
      try {
        await app.invoke(fn.name, {
          triggerValue: content,
          triggerMetadata: {
            ...captures,
            blobTrigger: blobTriggerPath,
            uri: client.url,
            properties: { length: blob.properties.contentLength, contentType: blob.properties.contentType, eTag: blob.properties.etag, lastModified: blob.properties.lastModified },
            metadata: blob.metadata ?? {},
          },
        });
        return;
      } catch {
        // A failed invocation was logged with its invocation id.
      }
    }
    logger.warn(`Blob '${blobTriggerPath}' (ETag ${etag}) failed ${options.maxDequeueCount} times in function '${fn.name}'. Moving it to queue '${POISON_QUEUE}'.`);
    await this.#context.accounts.ensureQueue(this.#hostClients, POISON_QUEUE);
    const message = { FunctionId: `Host.Functions.${fn.name}`, BlobType: 'BlockBlob', ContainerName: this.#pattern.container, BlobName: blob.name, ETag: blob.properties.etag };
    await this.#hostClients.queue(POISON_QUEUE).sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
  }
}

/**
 * Takes the receipt of one blob version: 'complete' when it already ran, 'busy' when another host holds it,
 * else the lease under which this host runs it (BlobTriggerExecutor steps 2–3).
 */
async function claimReceipt(receipt: BlockBlobClient): Promise<'complete' | 'busy' | { leaseId: string }> {
  try {
    await receipt.upload('', 0, { conditions: { ifNoneMatch: '*' } });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 409 && status !== 412) throw error; // the receipt exists already
  }
  const properties = await receipt.getProperties();
  if (properties.metadata?.iscompleted === 'true' || properties.metadata?.IsCompleted === 'true') return 'complete';
  try {
    const { leaseId } = await receipt.getBlobLeaseClient().acquireLease(LEASE_S);
    // Re-check under the lease: another host may have completed it meanwhile.
    const again = await receipt.getProperties();
    if (again.metadata?.iscompleted === 'true' || again.metadata?.IsCompleted === 'true') {
      await receipt.getBlobLeaseClient(leaseId).releaseLease().catch(() => undefined);
      return 'complete';
    }
    return { leaseId: leaseId! };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 409) return 'busy';
    throw error;
  }
}
