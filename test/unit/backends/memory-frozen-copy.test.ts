import { frozenCopy, plainCopy } from '../../../src/backends/memory/frozen-copy';

describe('memory backend copies', () => {
  const event = () => ({
    type: 'executionStarted',
    eventId: -1,
    timestamp: '2024-01-01T00:00:00.000Z',
    input: undefined,
    orchestrationInstance: { instanceId: 'a', executionId: 'e' },
    tags: { team: 'x' },
    list: [1, 'two', { three: 3 }, null],
  });

  it('plainCopy copies through and through, keeps undefined-valued keys, and leaves the copy mutable', () => {
    const original = event();
    const copy = plainCopy(original);
    expect(copy).toStrictEqual(original);
    expect('input' in copy).toBe(true);
    expect(copy.orchestrationInstance).not.toBe(original.orchestrationInstance);
    expect(copy.list[2]).not.toBe(original.list[2]);
    copy.tags.team = 'y';
    expect(original.tags.team).toBe('x');
  });

  it('frozenCopy freezes every level of its copy and none of the original', () => {
    const original = event();
    const copy = frozenCopy(original);
    expect(copy).toStrictEqual(original);
    for (const part of [copy, copy.orchestrationInstance, copy.tags, copy.list, copy.list[2]]) expect(Object.isFrozen(part)).toBe(true);
    expect(Object.isFrozen(original.tags)).toBe(false);
  });

  it('copies a frozen value into a mutable one', () => {
    const copy = plainCopy(frozenCopy(event()));
    copy.orchestrationInstance.instanceId = 'b';
    expect(copy.orchestrationInstance.instanceId).toBe('b');
  });

  it('hands values that are not plain data to structuredClone: a Date stays a Date, a function is refused', () => {
    const at = new Date('2024-01-01T00:00:00Z');
    const copy = frozenCopy({ at });
    // structuredClone answers with a Date of Node's main realm, not of jest's sandbox: a brand check.
    expect(Object.prototype.toString.call(copy.at)).toBe('[object Date]');
    expect(copy.at).not.toBe(at);
    expect(copy.at.getTime()).toBe(at.getTime());
    expect(() => plainCopy({ callback: () => 1 })).toThrow(/could not be cloned/);
  });

  it('copies a cyclic value without overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const copy = plainCopy(cyclic);
    let inner = copy;
    for (let i = 0; i < 100; i++) inner = inner.self as Record<string, unknown>;
    expect(inner.name).toBe('loop');
  });
});
