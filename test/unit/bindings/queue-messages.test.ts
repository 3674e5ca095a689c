// Queue message bodies and host.json extensions.queues, as the storage extension reads them
// (specs/storage-bindings.md §4.2 "Defaults", "Payload to JS", "Output binding").

import { decodeQueueMessage, encodeQueueMessage, InvalidQueueMessageError, queueMessageValue } from '../../../src/bindings/queue-message-text';
import { storageExtensionOptions } from '../../../src/bindings/storage-extension-options';
import { HostConfigError } from '../../../src/functions-host';
import { parseHostConfig } from '../../../src/functions-host/host-config';

describe('queue message bodies', () => {
  it('are base64 of the UTF-8 text by default, objects as JSON', () => {
    expect(encodeQueueMessage({ a: 'ü' }, 'base64')).toBe(Buffer.from('{"a":"ü"}').toString('base64'));
    expect(encodeQueueMessage('plain', 'none')).toBe('plain');
    expect(decodeQueueMessage(Buffer.from('héllo').toString('base64'), 'base64')).toBe('héllo');
  });

  it('that are not base64 fail with a message that says what to do', () => {
    expect(() => decodeQueueMessage('not base64!', 'base64')).toThrow(InvalidQueueMessageError);
    expect(() => decodeQueueMessage('not base64!', 'base64')).toThrow(/messageEncoding/);
  });

  it('reach the function as an object when they hold JSON, else as the text', () => {
    expect(queueMessageValue('{"job":1}')).toEqual({ job: 1 });
    expect(queueMessageValue('[1]')).toEqual([1]);
    expect(queueMessageValue('{broken')).toBe('{broken');
    expect(queueMessageValue('42')).toBe('42');
  });
});

describe('extensions.queues', () => {
  const options = (queues: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv = {}) =>
    storageExtensionOptions(parseHostConfig(JSON.stringify({ version: '2.0', extensions: queues ? { queues } : {} }), '/app/host.json', env));

  it("has the extension's defaults: batch 16, 5 tries, no delay on retry, base64", () => {
    expect(options(undefined)).toMatchObject({ batchSize: 16, maxDequeueCount: 5, visibilityTimeoutMs: 0, messageEncoding: 'base64', maxPollingIntervalMs: 2_000 });
    expect(options(undefined).newBatchThreshold).toBe(8 * require('node:os').availableParallelism());
  });

  it('reads host.json and AzureFunctionsJobHost__ overrides (strings)', () => {
    expect(options({ batchSize: 4, maxPollingInterval: '00:00:05', visibilityTimeout: '00:00:30', messageEncoding: 'none' })).toMatchObject({
      batchSize: 4,
      newBatchThreshold: 2 * require('node:os').availableParallelism(),
      maxPollingIntervalMs: 5_000,
      visibilityTimeoutMs: 30_000,
      messageEncoding: 'none',
    });
    expect(options(undefined, { AzureFunctionsJobHost__extensions__queues__maxDequeueCount: '2' }).maxDequeueCount).toBe(2);
  });

  it('names the file, the key and the allowed range for a bad value', () => {
    expect(() => options({ batchSize: 64 })).toThrow(HostConfigError);
    expect(() => options({ batchSize: 64 })).toThrow('/app/host.json: "extensions.queues.batchSize" must be a whole number from 1 to 32, but is 64.');
    expect(() => options({ maxPollingInterval: '00:00:00.050' })).toThrow(/maxPollingInterval" must be a TimeSpan of at least 100 ms/);
  });
});
