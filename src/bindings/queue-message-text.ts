// Queue message bodies as the storage extension writes and reads them: base64 of the UTF-8 text by default, or the
// text itself with host.json `extensions.queues.messageEncoding: "none"`. Objects travel as JSON; to the function a
// JSON body arrives as an object, any other body as a string (specs/storage-bindings.md §4.2 "Payload to JS").

import { BindingError } from './binding-error';
export type MessageEncoding = 'base64' | 'none';

export class InvalidQueueMessageError extends BindingError {}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeQueueMessage(value: unknown, encoding: MessageEncoding): string {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8');
}

/** The message's text; throws InvalidQueueMessageError when base64 is expected and the body is not. */
export function decodeQueueMessage(messageText: string, encoding: MessageEncoding): string {
  if (encoding === 'none') return messageText;
  if (!BASE64.test(messageText)) {
    throw new InvalidQueueMessageError(
      `the message is not valid base64 (host.json extensions.queues.messageEncoding is "base64"; write messages base64-encoded, or set it to "none").`,
    );
  }
  return Buffer.from(messageText, 'base64').toString('utf8');
}

/** What the handler receives: a JSON object or array parsed, anything else the text. */
export function queueMessageValue(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
