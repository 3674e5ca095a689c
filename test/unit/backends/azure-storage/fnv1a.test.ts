// specs/backends.md A3: instance → control queue by FNV-1a over the raw UTF-8 instance id.

import { fnv1a32, partitionIndexOf } from '../../../../src/backends/azure-storage/fnv1a';

test.each([
  ['', 0x811c9dc5, 1],
  ['a', 0xe40c292c, 0],
  ['instance1', 0xc8489b99, 1],
  ['@counter@myKey', 0x69dfc660, 0],
])('FNV-1a of %j is the published/derived vector (A3)', (id, hash, partitionOf4) => {
  expect(fnv1a32(id)).toBe(hash);
  expect(partitionIndexOf(id, 4)).toBe(partitionOf4);
});

test('"instance1" maps to control queue 09 of 16 (A3)', () => {
  expect(partitionIndexOf('instance1', 16)).toBe(9);
});

test('non-ASCII ids hash their UTF-8 bytes, not UTF-16 code units', () => {
  // "é" is two UTF-8 bytes; hashing the code unit 0xE9 alone would give another value.
  const manual = [0xc3, 0xa9].reduce((h, b) => Math.imul(h ^ b, 0x01000193) >>> 0, 0x811c9dc5);
  expect(fnv1a32('é')).toBe(manual);
});
