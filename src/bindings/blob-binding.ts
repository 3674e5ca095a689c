// Blob input and output bindings: `path` is `<container>/<blob name>` with binding expressions; input gives the
// blob's bytes (a string with dataType 'string'), or null when there is no blob; output uploads a block blob from a
// Buffer, a string or JSON, creating the container on demand (specs/storage-bindings.md §4.4).

import type { BindingCall, BindingType } from './binding-type';
import { splitBlobPath } from './blob-path';

export const blobBinding: BindingType = {
  type: 'blob',
  target: 'path',

  async input(call) {
    const { container, blobName } = splitBlobPath(call.resolve('path'), call);
    const clients = await call.accounts.clients(call.binding.connection);
    try {
      const content = await clients.blob(container, blobName).downloadToBuffer();
      return call.binding.dataType === 'string' ? content.toString('utf8') : content;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  },

  async output(call: BindingCall, value: unknown) {
    const { container, blobName } = splitBlobPath(call.resolve('path'), call);
    const clients = await call.accounts.clients(call.binding.connection);
    const content = blobContent(value);
    await call.accounts.ensureContainer(clients, container);
    await clients.blob(container, blobName).upload(content, content.byteLength);
  },
};

function blobContent(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(JSON.stringify(value), 'utf8');
}
