// A message that is well-formed protobuf but breaks the protocol's rules (a required field missing, an event type
// this runtime does not use). The emulator answers it with INVALID_ARGUMENT and the message as the detail.

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
