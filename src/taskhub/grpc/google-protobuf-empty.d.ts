// google-protobuf ships no types; the Scheduler's Hello takes and returns google.protobuf.Empty.
declare module 'google-protobuf/google/protobuf/empty_pb' {
  export class Empty {
    serializeBinary(): Uint8Array;
  }
}
