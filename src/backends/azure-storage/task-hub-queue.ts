// One task hub queue (a control queue or the work-item queue): sends TaskMessages in the DT.AS envelope with their
// visibility delay, receives and decodes them, and parks poison messages (specs/backends.md A4, A10, A11).

import { randomUUID } from 'node:crypto';
import type { QueueClient } from '@azure/storage-queue';
import type { TaskMessage } from '../../core';
import type { LargePayloadStore } from './large-payload-store';
import { MAX_QUEUE_MESSAGE_BYTES } from './large-payload-store';
import { decodeQueueMessageText, encodeLargeMessageStub, encodeMessageData, type DecodedMessageData, type MessageEnvelope } from './queue-message-codec';
import { statusOf } from './storage-errors';

/** A11: Azure caps visibility at 7 days; longer delays hop in chunks (tuning maxVisibilityDelayMs), re-checked on delivery. */
const MAX_VISIBILITY_SECONDS = 7 * 24 * 60 * 60 - 1;

/** A received message, held invisible until deleted, released or its visibility runs out. */
export interface ReceivedMessage {
  queue: TaskHubQueue;
  messageId: string;
  /** Changes on every visibility update. */
  popReceipt: string;
  dequeueCount: number;
  insertedOn: number;
  /** The raw body, kept so a poison message is parked exactly as it arrived. */
  text: string;
  /** When we last set its visibility (epoch ms, wall clock). */
  leasedAt: number;
  /** How long each lease (the receive, then every renewal) keeps it invisible. */
  visibilityTimeoutMs: number;
  /** Undefined when the message could not be decoded; `error` says why. */
  data?: DecodedMessageData & { message: TaskMessage };
  error?: Error;
  /**
   * Set on an activity's work-item message that carries the activity's result to its orchestration on this worker
   * in memory (azure-storage-backend.ts completeActivity); `data` is then the result. Deleting the message commits
   * both; handing it back sends the result to `controlQueue`, as a worker that does not own the orchestration's
   * partition does at once, and deletes the work item.
   */
  carriesResultTo?: TaskHubQueue;
}

/** A message this process sent: it can take it back while nobody has received it yet. */
export interface SentMessage {
  queue: TaskHubQueue;
  messageId: string;
  popReceipt: string;
}

let sequenceNumber = 0;

export class TaskHubQueue {
  /**
   * Told whenever this process sends or hands back a message, with the delay until it becomes visible: the reader
   * of this queue in this process (if any) wakes up then instead of waiting for its next poll.
   */
  onVisible?: (delayMs: number) => void;

  constructor(
    readonly name: string,
    private readonly client: QueueClient,
    private readonly payloads: LargePayloadStore,
    private readonly maxVisibilityDelayMs: number,
  ) {}

  async ensureExists(): Promise<void> {
    await this.client.createIfNotExists();
  }

  async deleteQueue(): Promise<void> {
    await this.client.deleteIfExists();
  }

  /**
   * Sends a message that becomes visible at `visibleAt` (epoch ms; `now` is the caller's clock). `sender` is the
   * orchestration sending it; none for a client.
   */
  async send(message: TaskMessage, visibleAt: number | undefined, now: number, sender?: MessageEnvelope['sender']): Promise<SentMessage> {
    const delayMs = Math.max(0, (visibleAt ?? now) - now);
    const chunked = delayMs > this.maxVisibilityDelayMs;
    const envelope = {
      activityId: randomUUID(),
      sequenceNumber: ++sequenceNumber,
      dueTime: chunked && visibleAt !== undefined ? new Date(visibleAt).toISOString() : undefined,
      sender,
    };
    let { text, eventType } = encodeMessageData(message, envelope);
    if (Buffer.byteLength(text, 'utf8') > MAX_QUEUE_MESSAGE_BYTES) {
      text = encodeLargeMessageStub(await this.payloads.uploadMessage(message.instanceId, envelope.activityId, eventType, text));
    }
    return this.sendText(text, Math.min(delayMs, this.maxVisibilityDelayMs));
  }

  /** Sends a body as it is (re-sending a chunked timer, parking a poison message). */
  async sendText(text: string, delayMs = 0): Promise<SentMessage> {
    // A4.3: infinite TTL. Visibility is whole seconds, rounded down so a timer is never late for it; a reader holds
    // a message that arrives before it is due until then (message-due-time.ts), so nothing is processed early.
    const seconds = Math.floor(Math.max(0, delayMs) / 1000);
    const response = await this.client.sendMessage(text, { messageTimeToLive: -1, visibilityTimeout: seconds });
    this.onVisible?.(seconds * 1000);
    return { queue: this, messageId: response.messageId, popReceipt: response.popReceipt };
  }

  /** Takes back a sent message; false if it was received (or removed) meanwhile. */
  async withdraw(sent: SentMessage): Promise<boolean> {
    try {
      await this.client.deleteMessage(sent.messageId, sent.popReceipt);
      return true;
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400) return false;
      throw error;
    }
  }

  async receive(count: number, visibilityTimeoutMs: number): Promise<ReceivedMessage[]> {
    const seconds = Math.max(1, Math.ceil(visibilityTimeoutMs / 1000));
    const response = await this.client.receiveMessages({ numberOfMessages: Math.max(1, Math.min(32, count)), visibilityTimeout: seconds });
    const leasedAt = Date.now();
    return Promise.all(
      response.receivedMessageItems.map(async (item): Promise<ReceivedMessage> => {
        const received: ReceivedMessage = {
          queue: this,
          messageId: item.messageId,
          popReceipt: item.popReceipt,
          dequeueCount: item.dequeueCount,
          insertedOn: item.insertedOn.getTime(),
          text: item.messageText,
          leasedAt,
          visibilityTimeoutMs: seconds * 1000,
        };
        try {
          received.data = await this.decode(item.messageText);
        } catch (error) {
          received.error = error instanceof Error ? error : new Error(String(error));
        }
        return received;
      }),
    );
  }

  /** Deletes a processed message. False if it was no longer ours (its visibility ran out and it was received again). */
  async delete(message: ReceivedMessage): Promise<boolean> {
    try {
      await this.client.deleteMessage(message.messageId, message.popReceipt);
      return true;
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400) return false;
      throw error;
    }
  }

  /** Hands a received message back: visible again after `delayMs` (0: at once). False if it was no longer ours. */
  async setVisibility(message: ReceivedMessage, delayMs: number): Promise<boolean> {
    if (message.carriesResultTo) {
      // The activity is done: hand back its result, not the work item (which would run the activity again).
      const now = Date.now();
      await message.carriesResultTo.send(message.data!.message, now + delayMs, now, message.data!.sender);
      message.carriesResultTo = undefined;
      await this.delete(message);
      return true;
    }
    const seconds = Math.min(Math.ceil(Math.max(0, delayMs) / 1000), MAX_VISIBILITY_SECONDS);
    const kept = await this.updateVisibility(message, seconds);
    if (kept) this.onVisible?.(seconds * 1000);
    return kept;
  }

  /** Extends the lease of a message still in work by its visibility timeout. False if it was no longer ours. */
  renew(message: ReceivedMessage): Promise<boolean> {
    return this.updateVisibility(message, Math.ceil(message.visibilityTimeoutMs / 1000));
  }

  private async updateVisibility(message: ReceivedMessage, seconds: number): Promise<boolean> {
    try {
      const response = await this.client.updateMessage(message.messageId, message.popReceipt, undefined, seconds);
      if (response.popReceipt) message.popReceipt = response.popReceipt;
      message.leasedAt = Date.now();
      return true;
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400) return false;
      throw error;
    }
  }

  private async decode(text: string): Promise<DecodedMessageData & { message: TaskMessage }> {
    let data = decodeQueueMessageText(text);
    // A4.4: a stub points at the real message, gzip-compressed in a blob.
    if (data.compressedBlobName) data = decodeQueueMessageText(await this.payloads.download(data.compressedBlobName));
    if (!data.message) throw new Error('the large-message blob holds no TaskMessage');
    return data as DecodedMessageData & { message: TaskMessage };
  }
}
