// Payloads too big for a queue message or a table property live gzip-compressed in `{hub}-largemessages`
// (specs/backends.md A4.4 for queue messages, A5.5 for table properties, A6.1 for blob URLs in the Instances table).

import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { escapePartitionKey } from './key-sanitation';
import { ignoreNotFound } from './storage-errors';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A4.4: a serialized MessageData over 45 KB of UTF-8 goes to a blob. */
export const MAX_QUEUE_MESSAGE_BYTES = 45 * 1024;
/** A5.5: a property over 60 KB of UTF-16 (30 720 code units) goes to a blob. */
export const MAX_TABLE_PROPERTY_CHARS = (60 * 1024) / 2;
/** A5.5: the properties DT.AS checks, and ours that can be as large (custom status, the sentinel's record copy). */
export const LARGE_PROPERTY_NAMES = [
  'Name',
  'Input',
  'Result',
  'Output',
  'Reason',
  'Details',
  'Correlation',
  'FailureDetails',
  'Tags',
  'CustomStatus',
  'InstanceRecord',
] as const;
const BLOB_NAME_SUFFIX = 'BlobName';

export class LargePayloadStore {
  constructor(
    private readonly container: ContainerClient,
    private readonly blob: (name: string) => BlockBlobClient,
  ) {}

  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  async deleteContainer(): Promise<void> {
    await this.container.deleteIfExists();
  }

  /** A4.4 blob name: raw instance id, ActivityId without dashes, the DT.Core event type. */
  async uploadMessage(instanceId: string, activityId: string, eventType: string, json: string): Promise<string> {
    const name = `${instanceId}/message-${activityId.replace(/-/g, '')}-${eventType}.json.gz`;
    await this.upload(name, json);
    return name;
  }

  /** Downloads and gunzips a blob given by name or by absolute URL (DT.AS writes URLs into the Instances table). */
  async download(nameOrUrl: string): Promise<string> {
    const name = this.blobNameOf(nameOrUrl) ?? nameOrUrl;
    const buffer = await this.blob(name).downloadToBuffer();
    return (await gunzipAsync(buffer)).toString('utf8');
  }

  /** True for a value DT.AS wrote as a pointer to one of our blobs (A6.1). */
  isBlobUrl(value: string): boolean {
    return this.blobNameOf(value) !== undefined;
  }

  /**
   * Moves each oversized property of a row to a blob: the row keeps `Property = ""` plus `PropertyBlobName`
   * (A5.5). `label` makes the names unique within the instance, e.g. `history-000000000000000A-TaskCompleted`.
   */
  async offloadLargeProperties(row: Record<string, unknown>, instanceId: string, label: string, stableNames = false): Promise<void> {
    for (const property of LARGE_PROPERTY_NAMES) {
      const value = row[property];
      if (typeof value !== 'string' || value.length <= MAX_TABLE_PROPERTY_CHARS) continue;
      const unique = stableNames ? '' : `-${randomBytes(4).toString('hex').toUpperCase()}`;
      const name = `${escapePartitionKey(instanceId)}/${label}${unique}-${property}.json.gz`;
      await this.upload(name, value);
      row[property] = '';
      row[`${property}${BLOB_NAME_SUFFIX}`] = name;
    }
  }

  /** The inverse of offloadLargeProperties, also resolving DT.AS blob URLs in Input/Output. */
  async restoreLargeProperties(row: Record<string, unknown>): Promise<void> {
    for (const property of LARGE_PROPERTY_NAMES) {
      const blobName = row[`${property}${BLOB_NAME_SUFFIX}`];
      const value = row[property];
      if (typeof blobName === 'string' && blobName !== '') {
        row[property] = await this.download(blobName);
      } else if (typeof value === 'string' && (property === 'Input' || property === 'Output') && this.isBlobUrl(value)) {
        row[property] = await this.resolveInstanceBlobUrl(value);
      }
      delete row[`${property}${BLOB_NAME_SUFFIX}`];
    }
  }

  /** Deletes every blob of an instance: message blobs use the raw id, property blobs the escaped one (A6.2, A7). */
  async deleteInstanceBlobs(instanceId: string): Promise<void> {
    const prefixes = new Set([`${instanceId}/`, `${escapePartitionKey(instanceId)}/`]);
    for (const prefix of prefixes) {
      for await (const blob of this.container.listBlobsFlat({ prefix })) {
        await this.blob(blob.name).delete({ deleteSnapshots: 'include' }).catch(ignoreNotFound);
      }
    }
  }

  private async upload(name: string, text: string): Promise<void> {
    const body = await gzipAsync(Buffer.from(text, 'utf8'));
    await this.blob(name).uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/gzip' } });
  }

  /** A6.1: a URL ending in ExecutionStarted.json.gz holds a whole MessageData; the input is its event's Input. */
  private async resolveInstanceBlobUrl(url: string): Promise<string> {
    const text = await this.download(url);
    if (!url.endsWith('ExecutionStarted.json.gz')) return text;
    const data = JSON.parse(text) as { TaskMessage?: { Event?: { Input?: string } } };
    return data.TaskMessage?.Event?.Input ?? '';
  }

  private blobNameOf(value: string): string | undefined {
    const base = `${this.container.url.replace(/\/+$/, '')}/`;
    return value.startsWith(base) ? decodeURIComponent(value.slice(base.length)) : undefined;
  }
}
