// specs/backends.md A7: table keys escape / \ # ? and control characters with '^'.

import fc from 'fast-check';
import { escapePartitionKey, unescapePartitionKey } from '../../../../src/backends/azure-storage/key-sanitation';

test.each([
  ['plain', 'plain'],
  ['a/b', 'a^0b'],
  ['a\\b', 'a^1b'],
  ['a#b', 'a^2b'],
  ['a?b', 'a^3b'],
  ['a^b', 'a^^b'],
  ['tab\there', 'tab^Éhere'],
  ['del\u007f', 'del^\u013f'],
  ['@counter@k/1', '@counter@k^01'],
])('escapes %j as %j (A7)', (raw, escaped) => {
  expect(escapePartitionKey(raw)).toBe(escaped);
  expect(unescapePartitionKey(escaped)).toBe(raw);
});

test('escaping round-trips and keeps prefixes (instance-id prefix queries rely on it)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (prefix, rest) => {
      const escaped = escapePartitionKey(prefix + rest);
      expect(unescapePartitionKey(escaped)).toBe(prefix + rest);
      expect(escaped.startsWith(escapePartitionKey(prefix))).toBe(true);
      expect(escaped).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/);
    }),
  );
});
