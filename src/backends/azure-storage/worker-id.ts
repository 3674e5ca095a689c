// Our default worker id, `{hostname}-{pid}-{nonce}`, and what a lease owner's id of that shape says about it. A
// process restarted after a crash finds its dead predecessor's partition leases (specs/backends.md A13.1); when the
// owner id names this machine and a process that no longer runs, the leases are free at once instead of after
// LeaseInterval. Ids of any other shape (a `workerId` option, DT.AS's machine name) are never judged dead.

export interface WorkerIdParts {
  host: string;
  pid: number;
  /** Six hex digits, so that two processes that get the same pid (pid 1 in containers) differ. */
  nonce: string;
}

/** What the judgement needs to know about the process that makes it; the liveness check is the only I/O. */
export interface ThisProcess {
  host: string;
  pid: number;
  /** When this process started (ms since the epoch, on the clock that wrote the leases' `LastRenewal`). */
  startedAt: number;
  /** The worker ids this process made for itself (several backends may run in one process). */
  isOwnWorkerId(id: string): boolean;
  /** Whether a process with this pid runs on this machine (`process.kill(pid, 0)` does not fail with ESRCH). */
  isProcessAlive(pid: number): boolean;
}

// Host names may hold '-' and digits: the pid and nonce are read from the end. The pid is a positive int32, which is
// what process.kill takes (0 and negative pids would mean process groups).
const SHAPE = /^(.+)-([1-9]\d{0,9})-([0-9a-f]{6})$/;
const MAX_PID = 2 ** 31 - 1;

export function formatWorkerId({ host, pid, nonce }: WorkerIdParts): string {
  return `${host}-${pid}-${nonce}`;
}

export function parseWorkerId(id: string): WorkerIdParts | undefined {
  const match = SHAPE.exec(id);
  if (!match) return undefined;
  const pid = Number(match[2]);
  return pid <= MAX_PID ? { host: match[1], pid, nonce: match[3] } : undefined;
}

/**
 * Why the worker that owns a lease is known to be dead, or undefined when it is not known (then the lease's expiry
 * decides, as always). Known dead: the id has our shape, names this machine, and either names a pid that runs no
 * process here, or this process's own pid with another nonce and a last renewal from before this process started (a
 * previous incarnation, e.g. pid 1 in a restarted container). A lease renewed since we started with our pid is
 * someone else's: another container or pid namespace that shares this host name.
 */
export function deadOwnerReason(ownerId: string, lastRenewal: Date | undefined, here: ThisProcess): string | undefined {
  const owner = parseWorkerId(ownerId);
  if (!owner || owner.host !== here.host) return undefined;
  if (owner.pid === here.pid) {
    if (here.isOwnWorkerId(ownerId) || lastRenewal === undefined || lastRenewal.getTime() >= here.startedAt) return undefined;
    return `it ran as pid ${owner.pid} before this process, which has that pid now, started`;
  }
  return here.isProcessAlive(owner.pid) ? undefined : `no process ${owner.pid} runs on this machine`;
}

/**
 * The judgement above for one worker over time. A pid on this machine says nothing about a process in another pid
 * namespace under the same host name (containers sharing it): should an owner taken over from as dead write a lease
 * later than that, it was alive after all, and is never judged dead again (its leases then expire as usual).
 */
export class DeadOwnerJudge {
  /** Owners taken over from as dead, with when. */
  private readonly presumedDead = new Map<string, number>();
  private readonly aliveAfterAll = new Set<string>();

  constructor(private readonly here: ThisProcess) {}

  /** Why the owner of a lease row is dead, or undefined; `onContradiction` hears once of an owner proven alive. */
  reasonToTakeOver(ownerId: string, lastRenewal: Date | undefined, onContradiction: (message: string) => void): string | undefined {
    if (this.aliveAfterAll.has(ownerId)) return undefined;
    const presumedDeadSince = this.presumedDead.get(ownerId);
    if (presumedDeadSince !== undefined && lastRenewal !== undefined && lastRenewal.getTime() > presumedDeadSince) {
      this.presumedDead.delete(ownerId);
      this.aliveAfterAll.add(ownerId);
      onContradiction(
        `Worker ${ownerId} renewed a lease after it was taken over from as dead: it runs where this process cannot see its pid ` +
          `(another container or machine named ${this.here.host}?). Its leases are left to expire from now on.`,
      );
      return undefined;
    }
    return deadOwnerReason(ownerId, lastRenewal, this.here);
  }

  tookOver(ownerId: string, at: number): void {
    if (!this.presumedDead.has(ownerId)) this.presumedDead.set(ownerId, at);
  }
}
