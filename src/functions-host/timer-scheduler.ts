// Timer triggers: fired on their NCRONTAB (or TimeSpan) schedule, once at start-up with `runOnStartup`, with the
// function's retry policy. `useMonitor` is ignored: there is no schedule monitor, so IsPastDue is always false.
// Like the timer extension, the next occurrence is scheduled only after the previous invocation finished.

import { parseTimeSpan, systemClock, type Clock, type Logger } from '../core';
import type { RegisteredFunction } from './core-api';
import { FunctionRegistrationError } from './errors';
import type { FunctionApp } from './function-app';
import { resolveAppSettings } from './host-config';
import { NcrontabError, parseNcrontab, type CronSchedule } from './ncrontab';
import { retryPolicyOf, runWithRetries } from './retry-policy';

export interface TimerFunction {
  readonly fn: RegisteredFunction;
  readonly schedule: CronSchedule;
  readonly runOnStartup: boolean;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** .NET's DateTime.MinValue: what ScheduleStatus.Last holds before a timer's first run. */
const NEVER = '0001-01-01T00:00:00';

/** The app's timer functions with parsed schedules; a bad schedule is a start-up error naming the function. */
export function timerFunctionsOf(functions: readonly RegisteredFunction[], env: NodeJS.ProcessEnv): TimerFunction[] {
  return functions
    .filter((fn) => fn.triggerType.toLowerCase() === 'timertrigger')
    .map((fn) => {
      const trigger = fn.bindings[fn.triggerBindingName];
      const fail = (why: string) => new FunctionRegistrationError(fn.name, `The timer schedule of function '${fn.name}' ${why}`);
      if (typeof trigger.schedule !== 'string') throw fail(`must be a string such as '0 */5 * * * *', but is ${JSON.stringify(trigger.schedule)}.`);
      const text = resolveAppSettings(trigger.schedule, env, (name) => fail(`refers to the app setting %${name}%, which is not set. Add it to local.settings.json "Values".`));
      return { fn, schedule: parseSchedule(text, fail), runOnStartup: trigger.runOnStartup === true || trigger.runOnStartup === 'true' };
    });
}

function parseSchedule(text: string, fail: (why: string) => Error): CronSchedule {
  const interval = text.includes(':') ? parseTimeSpan(text) : undefined;
  if (interval !== undefined) {
    if (interval <= 0) throw fail(`'${text}' must be a positive interval.`);
    return { expression: text, next: (after) => new Date(after.getTime() + interval) };
  }
  try {
    const schedule = parseNcrontab(text);
    if (!schedule.next(new Date())) throw new NcrontabError(`'${text}' never occurs.`);
    return schedule;
  } catch (error) {
    if (error instanceof NcrontabError) throw fail(`is not valid: ${error.message}`);
    throw error;
  }
}

export class TimerScheduler {
  #stopped = false;
  readonly #wakers = new Set<() => void>();

  constructor(
    private readonly app: FunctionApp,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  start(timers: readonly TimerFunction[]): void {
    for (const timer of timers) void this.#run(timer);
  }

  /** Stops scheduling; invocations already running finish (FunctionApp.drain waits for them). */
  stop(): void {
    this.#stopped = true;
    for (const wake of this.#wakers) wake();
  }

  async #run(timer: TimerFunction): Promise<void> {
    let last: Date | undefined;
    if (timer.runOnStartup) last = await this.#fire(timer, new Date(this.clock.now()), last);
    while (!this.#stopped) {
      const next = timer.schedule.next(new Date(this.clock.now()));
      if (!next) {
        this.logger.warn(`The timer of function '${timer.fn.name}' (${timer.schedule.expression}) has no further occurrences.`);
        return;
      }
      if (!(await this.#sleepUntil(next.getTime()))) return;
      last = await this.#fire(timer, next, last);
    }
  }

  async #fire(timer: TimerFunction, scheduled: Date, last: Date | undefined): Promise<Date> {
    const { fn } = timer;
    const payload = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: last?.toISOString() ?? NEVER,
        Next: timer.schedule.next(scheduled)?.toISOString() ?? null,
        LastUpdated: new Date(this.clock.now()).toISOString(),
      },
      IsPastDue: false,
    };
    try {
      await runWithRetries(
        (retryContext) =>
          this.app.invokeRpc(fn.name, {
            inputData: [{ name: fn.triggerBindingName, data: { json: JSON.stringify(payload) } }],
            retryContext,
            reason: `Timer fired at ${scheduled.toISOString()}`,
          }),
        retryPolicyOf(fn.retryOptions),
        (ms) => this.#sleepUntil(this.clock.now() + ms),
      );
    } catch {
      // invokeRpc logged the failure with its invocation id; the schedule goes on.
    }
    return scheduled;
  }

  /** Resolves true at `time`, or false as soon as the scheduler stops. */
  #sleepUntil(time: number): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (reached: boolean) => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve(reached);
      };
      const wake = () => finish(false);
      const arm = () => {
        if (this.#stopped) return finish(false);
        const remaining = time - this.clock.now();
        if (remaining <= 0) return finish(true);
        timer = setTimeout(arm, Math.min(remaining, MAX_TIMEOUT_MS));
      };
      this.#wakers.add(wake);
      arm();
    });
  }
}
