// What a lease owner's id says about it (worker-id.ts): our default id's shape, and when its owner is known dead —
// a process of this machine that no longer runs — so that a restarted process need not wait out its leases.

import { DeadOwnerJudge, deadOwnerReason, formatWorkerId, parseWorkerId, type ThisProcess } from '../../../../src/backends/azure-storage/worker-id';

const STARTED_AT = Date.parse('2026-12-05T08:00:00Z');
const BEFORE_START = new Date(STARTED_AT - 5_000);
const SINCE_START = new Date(STARTED_AT + 5_000);

/** This process: pid 1 on host "web-01", with processes 1 and 4242 running. */
function here(overrides: Partial<ThisProcess> = {}): ThisProcess & { asked: number[] } {
  const asked: number[] = [];
  return {
    host: 'web-01',
    pid: 1,
    startedAt: STARTED_AT,
    isOwnWorkerId: (id) => id === 'web-01-1-aaaaaa',
    isProcessAlive: (pid) => {
      asked.push(pid);
      return pid === 1 || pid === 4242;
    },
    asked,
    ...overrides,
  };
}

describe('parseWorkerId', () => {
  test('reads host, pid and nonce from the end, so host names may hold dashes and digits', () => {
    expect(parseWorkerId('web-01-4242-0f9a3c')).toEqual({ host: 'web-01', pid: 4242, nonce: '0f9a3c' });
    expect(parseWorkerId('10-0-0-7-1-abcdef')).toEqual({ host: '10-0-0-7', pid: 1, nonce: 'abcdef' });
  });

  test('round-trips formatWorkerId', () => {
    const parts = { host: 'build-agent.local', pid: 31337, nonce: '00ff10' };
    expect(parseWorkerId(formatWorkerId(parts))).toEqual(parts);
  });

  test.each([
    ['a DT.AS default (the machine name)', 'WEB01'],
    ['a workerId option', 'child-4242'],
    ['no host', '4242-abcdef'],
    ['a nonce of another length', 'web-01-4242-abcde'],
    ['an upper-case nonce', 'web-01-4242-ABCDEF'],
    ['pid 0 (the process group)', 'web-01-0-abcdef'],
    ['a pid with a leading zero', 'web-01-042-abcdef'],
    ['a pid beyond int32', 'web-01-2147483648-abcdef'],
    ['trailing text', 'web-01-4242-abcdef-x'],
  ])('is undefined for %s: %s', (_what, id) => {
    expect(parseWorkerId(id)).toBeUndefined();
  });
});

describe('deadOwnerReason', () => {
  test('an owner on this machine whose process no longer runs is dead', () => {
    expect(deadOwnerReason('web-01-777-abcdef', BEFORE_START, here())).toBe('no process 777 runs on this machine');
  });

  test('an owner on this machine whose process runs is not (whenever it renewed)', () => {
    expect(deadOwnerReason('web-01-4242-abcdef', BEFORE_START, here())).toBeUndefined();
    expect(deadOwnerReason('web-01-4242-abcdef', SINCE_START, here())).toBeUndefined();
  });

  test('an owner on another machine is never judged, and its pid is not looked up here', () => {
    const process = here();
    expect(deadOwnerReason('web-02-777-abcdef', BEFORE_START, process)).toBeUndefined();
    expect(deadOwnerReason('WEB-01-777-abcdef', BEFORE_START, process)).toBeUndefined();
    expect(process.asked).toEqual([]);
  });

  test('ids of another shape are never judged', () => {
    const process = here();
    for (const id of ['web-01', 'child-777', 'web-01-777', 'web-01-777-abcdef0']) expect(deadOwnerReason(id, BEFORE_START, process)).toBeUndefined();
    expect(process.asked).toEqual([]);
  });

  test('our own pid with another nonce, last renewed before this process started, is a previous incarnation', () => {
    const process = here();
    expect(deadOwnerReason('web-01-1-bbbbbb', BEFORE_START, process)).toBe('it ran as pid 1 before this process, which has that pid now, started');
    // Our pid is alive by definition: asking would say nothing.
    expect(process.asked).toEqual([]);
  });

  test('our own pid with another nonce, renewed since this process started, is someone alive (another pid namespace)', () => {
    expect(deadOwnerReason('web-01-1-bbbbbb', SINCE_START, here())).toBeUndefined();
    expect(deadOwnerReason('web-01-1-bbbbbb', new Date(STARTED_AT), here())).toBeUndefined();
    expect(deadOwnerReason('web-01-1-bbbbbb', undefined, here())).toBeUndefined();
  });

  test('a worker id this process made (another backend in this process) is alive, whenever it renewed', () => {
    expect(deadOwnerReason('web-01-1-aaaaaa', BEFORE_START, here())).toBeUndefined();
  });
});

describe('DeadOwnerJudge', () => {
  const takenAt = STARTED_AT + 60_000;

  test('judges as deadOwnerReason until a dead-judged owner renews a lease after the take-over; then never again, with one warning', () => {
    const judge = new DeadOwnerJudge(here());
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const owner = 'web-01-777-abcdef';
    expect(judge.reasonToTakeOver(owner, BEFORE_START, warn)).toBe('no process 777 runs on this machine');
    judge.tookOver(owner, takenAt);
    // Its other rows, last renewed before it died, are still its own dead leases.
    expect(judge.reasonToTakeOver(owner, new Date(takenAt - 1), warn)).toBe('no process 777 runs on this machine');
    expect(warnings).toEqual([]);

    // It wrote a lease after we took over from it: a process we cannot see, not a dead one.
    expect(judge.reasonToTakeOver(owner, new Date(takenAt + 1), warn)).toBeUndefined();
    expect(judge.reasonToTakeOver(owner, new Date(takenAt - 1), warn)).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining(`Worker ${owner} renewed a lease after it was taken over from as dead`)]);
    expect(warnings[0]).toContain('web-01');
  });

  test('the first take-over counts: a later one does not move the moment', () => {
    const judge = new DeadOwnerJudge(here());
    const warn = jest.fn();
    judge.tookOver('web-01-777-abcdef', takenAt);
    judge.tookOver('web-01-777-abcdef', takenAt + 10_000);
    expect(judge.reasonToTakeOver('web-01-777-abcdef', new Date(takenAt + 5_000), warn)).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  test('other owners are judged on their own', () => {
    const judge = new DeadOwnerJudge(here());
    const warn = jest.fn();
    judge.tookOver('web-01-777-abcdef', takenAt);
    expect(judge.reasonToTakeOver('web-01-778-abcdef', new Date(takenAt + 1), warn)).toBe('no process 778 runs on this machine');
    expect(judge.reasonToTakeOver('web-01-4242-abcdef', new Date(takenAt + 1), warn)).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });
});
