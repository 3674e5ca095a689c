// Instance id rules (specs/durable-functions-protocol.md §7, orchestrators/{functionName}/{instanceId?}).
import { entityKeyProblem, instanceIdProblem, MAX_INSTANCE_ID_LENGTH } from '../../../src/core';

describe('instanceIdProblem', () => {
  it('accepts ordinary ids, including spaces, dots and unicode', () => {
    for (const id of ['abc', 'order 42', 'a.b-c_d', 'café', 'x'.repeat(MAX_INSTANCE_ID_LENGTH)]) {
      expect(instanceIdProblem(id)).toBeUndefined();
    }
  });

  it('refuses a leading @, reserved for entities', () => {
    expect(instanceIdProblem('@counter@k')).toMatch(/starts with '@'/);
  });

  it.each(['a/b', 'a\\b', 'a#b', 'a?b', 'a\nb', 'a\u0000b', 'a\u0085b'])('refuses %j (/ \\ # ? or a control character)', (id) => {
    expect(instanceIdProblem(id)).toMatch(/control character/);
  });

  it('refuses ids longer than 256 characters', () => {
    expect(instanceIdProblem('x'.repeat(MAX_INSTANCE_ID_LENGTH + 1))).toMatch(/must not exceed 256/);
  });

  it('shows control characters escaped so the message stays on one line', () => {
    expect(instanceIdProblem('a\nb')).toContain('a\\u000ab');
  });
});

describe('entityKeyProblem', () => {
  it('allows @ in keys but not / \\ # ? or control characters', () => {
    expect(entityKeyProblem('user@example.com')).toBeUndefined();
    expect(entityKeyProblem('a/b')).toMatch(/Entity key/);
  });
});
