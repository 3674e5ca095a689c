// Oversized payloads get an answer that says the limit and the instance (issue 14 "Bad input"), instead of gRPC's
// generic "Received message larger than max". The limit is gRPC's default message size, which the SDKs' own
// channels also apply to what they receive.

import { status } from '@grpc/grpc-js';
import { RpcError } from './rpc-errors';

export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

interface WireMessage {
  serializeBinary(): Uint8Array;
  getInstanceid?(): string;
}

/**
 * Throws RESOURCE_EXHAUSTED when a message is over the limit, naming what it is and its instance (by default the
 * one the message itself names).
 */
export function checkMessageSize(what: string, request: unknown, instanceId?: string): void {
  const message = request as WireMessage;
  if (typeof message?.serializeBinary !== 'function') return;
  const size = message.serializeBinary().length;
  if (size <= MAX_MESSAGE_BYTES) return;
  const instance = instanceId ?? message.getInstanceid?.();
  throw new RpcError(
    status.RESOURCE_EXHAUSTED,
    `The ${what}${instance ? ` for instance '${instance}'` : ''} is ${size} bytes; the limit is ${MAX_MESSAGE_BYTES} bytes (4 MB). ` +
      'Keep large payloads elsewhere (e.g. blob storage) and pass a reference.',
  );
}

export function carriesCompletionToken(request: unknown): boolean {
  return typeof (request as { getCompletiontoken?: unknown })?.getCompletiontoken === 'function';
}
