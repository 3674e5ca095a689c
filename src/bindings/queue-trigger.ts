// Queue triggers, with the storage extension's semantics (specs/storage-bindings.md §4.2): batches of `batchSize`
// received invisible for 10 minutes and renewed while the function runs; a new batch once no more than
// `newBatchThreshold` run; randomized back-off while the queue is empty, and an immediate poll when this host wrote
// to it; delete on success; on failure the message is released after `visibilityTimeout`, or copied to
// `<queue>-poison` once it was tried `maxDequeueCount` times.

import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import { describeStorageFailure, PollingBackoff, type StorageClients } from '../backends/azure-storage';
import { resolveBindingExpression } from './binding-expressions';
import { MIN_POLLING_INTERVAL_MS } from './storage-extension-options';
import type { TriggerContext, TriggerListener, TriggerType } from './binding-type';
import { checkContainerOrQueueName } from './blob-path';
import { decodeQueueMessage, InvalidQueueMessageError, queueMessageValue } from './queue-message-text';
import { StorageAccounts } from './storage-accounts';

/** In-flight visibility, renewed at half time (QueueListener.cs `_visibilityTimeout`). */
const IN_FLIGHT_VISIBILITY_S = 600;
const RENEW_EVERY_MS = (IN_FLIGHT_VISIBILITY_S * 1000) / 2;

export const queueTrigger: TriggerType = {
  type: 'queueTrigger',
  async listen(context) {
    const listener = new QueueListener(context);
    await listener.start();
    return listener;
  },
};

class QueueListener implements TriggerListener {
  readonly #context: TriggerContext;
  readonly #backoff: PollingBackoff;
  readonly #running = new Set<Promise<void>>();
  #queueName = '';
  #poisonQueueName?: string;
  #clients?: StorageClients;
  #queue?: QueueClient;
  #stopped = false;
  #loop?: Promise<void>;
  #unwatch?: () => void;
  #slotFreed?: () => void;
  #failing = false;

  constructor(context: TriggerContext) {
    this.#context = context;
    this.#backoff = new PollingBackoff(context.options.maxPollingIntervalMs, MIN_POLLING_INTERVAL_MS);
  }

  async start(): Promise<void> {
    const { fn, trigger, accounts, settings } = this.#context;
    const where = `Function '${fn.name}', queue trigger '${trigger.name}'`;
    // A trigger's queue name can hold %settings% but no binding data: there is no invocation yet.
    const name = resolveBindingExpression(String(trigger.queueName ?? ''), { functionName: fn.name, bindingName: trigger.name, data: {}, settings });
    this.#queueName = checkContainerOrQueueName('queue', name, where);
    // No poison queue for a poison queue, or when the name would be too long (QueueListenerFactory.CreatePoisonQueueReference).
    const poison = `${name}-poison`;
    this.#poisonQueueName = name.endsWith('-poison') || poison.length > 63 ? undefined : poison;
    this.#clients = await accounts.clients(trigger.connection);
    this.#queue = this.#clients.queue(this.#queueName);
    this.#unwatch = this.#context.queueWatcher.watch(this.#clients.description, this.#queueName, () => this.#backoff.nudge());
    this.#loop = this.#poll();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unwatch?.();
    this.#backoff.nudge();
    this.#slotFreed?.();
    await this.#loop;
    await Promise.allSettled([...this.#running]);
  }

  async #poll(): Promise<void> {
    const { options, accounts } = this.#context;
    const maxParallel = options.batchSize + options.newBatchThreshold;
    while (!this.#stopped) {
      // A new batch once no more than newBatchThreshold messages run, so at most batchSize + threshold run at once.
      while (!this.#stopped && this.#running.size > options.newBatchThreshold) await new Promise<void>((resolve) => (this.#slotFreed = resolve));
      if (this.#stopped) return;
      let messages: DequeuedMessageItem[];
      try {
        await accounts.ensureQueue(this.#clients!, this.#queueName);
        const take = Math.min(options.batchSize, maxParallel - this.#running.size);
        messages = (await this.#queue!.receiveMessages({ numberOfMessages: take, visibilityTimeout: IN_FLIGHT_VISIBILITY_S })).receivedMessageItems;
        if (this.#failing) this.#context.logger.info(`Function '${this.#context.fn.name}': queue '${this.#queueName}' answers again.`);
        this.#failing = false;
      } catch (error) {
        if (!this.#failing) {
          this.#context.logger.error(
            `Function '${this.#context.fn.name}', queue trigger '${this.#context.trigger.name}' (connection setting '${StorageAccounts.settingName(this.#context.trigger.connection)}'): ` +
              `cannot read queue '${this.#queueName}': ${describeStorageFailure(error)} Retrying.`,
          );
        }
        this.#failing = true;
        await this.#backoff.wait();
        continue;
      }
      if (messages.length === 0) {
        await this.#backoff.wait();
        continue;
      }
      this.#backoff.reset();
      for (const message of messages) {
        // Storage failures while completing a message leave it to its visibility timeout, so it is retried, not lost.
        const run = this.#process(message)
          .catch((error) =>
            this.#context.logger.error(`Function '${this.#context.fn.name}': message ${message.messageId} on '${this.#queueName}': ${describeStorageFailure(error)} It is tried again once visible.`),
          )
          .finally(() => {
            this.#running.delete(run);
            this.#slotFreed?.();
          });
        this.#running.add(run);
      }
    }
  }

  async #process(message: DequeuedMessageItem): Promise<void> {
    const { app, fn, trigger, options, logger } = this.#context;
    const queue = this.#queue!;
    let popReceipt = message.popReceipt;
    // Poison before invoking when it was already tried too often (QueueProcessor.BeginProcessingMessageAsync).
    if (message.dequeueCount > options.maxDequeueCount) return this.#poison(message, popReceipt);
    let renewal: Promise<void> | undefined;
    const renew = setInterval(() => {
      renewal = queue
        .updateMessage(message.messageId, popReceipt, undefined, IN_FLIGHT_VISIBILITY_S)
        .then((updated) => void (popReceipt = updated.popReceipt ?? popReceipt))
        .catch((error) => logger.warn(`Function '${fn.name}': could not extend the visibility of message ${message.messageId}: ${describeStorageFailure(error)}`));
    }, RENEW_EVERY_MS);
    renew.unref();
    let succeeded = false;
    try {
      const text = decodeQueueMessage(message.messageText, options.messageEncoding);
      const value = queueMessageValue(text);
      await app.invoke(fn.name, {
        triggerValue: value,
        triggerMetadata: {
          queueTrigger: text,
          dequeueCount: message.dequeueCount,
          expirationTime: message.expiresOn.toISOString(),
          id: message.messageId,
          insertionTime: message.insertedOn.toISOString(),
          nextVisibleTime: message.nextVisibleOn.toISOString(),
          popReceipt,
        },
      });
      succeeded = true;
    } catch (error) {
      // A failed invocation was logged with its invocation id; a message that cannot be decoded never got that far.
      if (error instanceof InvalidQueueMessageError) {
        logger.error(`Function '${fn.name}', queue trigger '${trigger.name}': message ${message.messageId} on '${this.#queueName}' cannot be read: ${error.message}`);
      }
    } finally {
      clearInterval(renew);
      await renewal;
    }
    try {
      if (succeeded) await queue.deleteMessage(message.messageId, popReceipt);
      else if (message.dequeueCount >= options.maxDequeueCount) await this.#poison(message, popReceipt);
      else await queue.updateMessage(message.messageId, popReceipt, undefined, Math.round(options.visibilityTimeoutMs / 1000));
    } catch (error) {
      // Pop-receipt mismatch or a deleted message: another host owns it now (QueueProcessor ignores these).
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 400) logger.warn(`Function '${fn.name}': could not complete message ${message.messageId}: ${describeStorageFailure(error)}`);
    }
  }

  async #poison(message: DequeuedMessageItem, popReceipt: string): Promise<void> {
    const { fn, logger, accounts, options } = this.#context;
    if (this.#poisonQueueName === undefined) {
      // No poison queue can be named for it: the message stays invisible (specs/storage-bindings.md §4.2).
      logger.error(`Function '${fn.name}': message ${message.messageId} on '${this.#queueName}' failed ${message.dequeueCount} times and has no poison queue; it stays invisible.`);
      return;
    }
    logger.warn(`Message has reached MaxDequeueCount of ${options.maxDequeueCount}. Moving message to queue '${this.#poisonQueueName}'.`);
    await accounts.ensureQueue(this.#clients!, this.#poisonQueueName);
    await this.#clients!.queue(this.#poisonQueueName).sendMessage(message.messageText);
    await this.#queue!.deleteMessage(message.messageId, popReceipt);
    this.#context.queueWatcher.notify(this.#clients!.description, this.#poisonQueueName);
  }
}
