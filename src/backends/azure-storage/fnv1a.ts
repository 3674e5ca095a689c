// Instance → control-queue mapping of DurableTask.AzureStorage (specs/backends.md A3): FNV-1a 32-bit over the
// UTF-8 bytes of the raw (unescaped) instance id, modulo the partition count.

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The control-queue index that owns an instance (orchestration or entity "@name@key"). */
export function partitionIndexOf(instanceId: string, partitionCount: number): number {
  return fnv1a32(instanceId) % partitionCount;
}
