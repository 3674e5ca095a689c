// Paging in instance order: the page picked in one pass equals the page of a full sort, in both directions, and
// following the tokens visits every entry once.
import fc from 'fast-check';
import { compareInstanceOrder, pageInOrder, type InstanceOrderKey } from '../../../src/backends/instance-order';

describe('pageInOrder', () => {
  it('pages like a full sort would, in both orders, each entry once', () => {
    const keys = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.string({ maxLength: 3 })), { selector: (k) => `${k[0]}|${k[1]}`, maxLength: 60 });
    fc.assert(
      fc.property(keys, fc.integer({ min: 1, max: 7 }), fc.boolean(), (raw, pageSize, descending) => {
        const entries = raw.map((key) => ({ key: key as InstanceOrderKey, value: `${key[0]}|${key[1]}` }));
        const sorted = [...entries].sort((a, b) => (descending ? -1 : 1) * compareInstanceOrder(a.key, b.key)).map((e) => e.value);
        const seen: string[] = [];
        let continuationToken: string | undefined;
        do {
          const page = pageInOrder(entries, { pageSize, continuationToken, descending });
          expect(page.values.length).toBeLessThanOrEqual(pageSize);
          seen.push(...page.values);
          continuationToken = page.continuationToken;
        } while (continuationToken);
        expect(seen).toEqual(sorted);
      }),
    );
  });
});
