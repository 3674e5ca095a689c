// NCRONTAB schedules for timer triggers: "{second} {minute} {hour} {day} {month} {day-of-week}" (the five-field form
// without seconds is accepted too). Semantics follow the NCrontab library the Functions timer extension uses:
// ranges, lists, steps, month and day names, and a day must match BOTH day-of-month and day-of-week.
// Times are local to the process (TZ / WEBSITE_TIME_ZONE on Linux; UTC on Azure by default).

import { DurableRuntimeError } from '../core';

export class NcrontabError extends DurableRuntimeError {}

export interface CronSchedule {
  readonly expression: string;
  /** The first occurrence strictly after `after` (whole seconds), or undefined if none within ten years. */
  next(after: Date): Date | undefined;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY: FieldSpec = { name: 'day', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] };

const SEARCH_LIMIT_MS = 10 * 366 * 24 * 3600 * 1000;

export function parseNcrontab(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 5) {
    throw new NcrontabError(
      `'${expression}' has ${fields.length} field(s); an NCRONTAB expression has six: {second} {minute} {hour} {day} {month} {day-of-week}, e.g. '0 */5 * * * *'.`,
    );
  }
  const [second, minute, hour, day, month, dayOfWeek] =
    fields.length === 6 ? fields : ['0', ...fields];
  const allowed = {
    second: parseField(second, SECOND, expression),
    minute: parseField(minute, MINUTE, expression),
    hour: parseField(hour, HOUR, expression),
    day: parseField(day, DAY, expression),
    month: parseField(month, MONTH, expression),
    dayOfWeek: parseField(dayOfWeek, DAY_OF_WEEK, expression),
  };

  return {
    expression,
    next(after: Date): Date | undefined {
      const t = new Date(after.getTime());
      t.setMilliseconds(0);
      t.setSeconds(t.getSeconds() + 1);
      const limit = after.getTime() + SEARCH_LIMIT_MS;
      while (t.getTime() <= limit) {
        if (!allowed.month[t.getMonth() + 1]) {
          t.setMonth(t.getMonth() + 1, 1);
          t.setHours(0, 0, 0);
        } else if (!allowed.day[t.getDate()] || !allowed.dayOfWeek[t.getDay()]) {
          t.setDate(t.getDate() + 1);
          t.setHours(0, 0, 0);
        } else if (!allowed.hour[t.getHours()]) {
          advance(t, () => t.setHours(t.getHours() + 1, 0, 0), 3600_000);
        } else if (!allowed.minute[t.getMinutes()]) {
          advance(t, () => t.setMinutes(t.getMinutes() + 1, 0), 60_000);
        } else if (!allowed.second[t.getSeconds()]) {
          t.setSeconds(t.getSeconds() + 1);
        } else {
          return t;
        }
      }
      return undefined;
    },
  };
}

/** Local-time setters can stand still across a daylight-saving change; time must always move forward. */
function advance(t: Date, step: () => void, fallbackMs: number): void {
  const before = t.getTime();
  step();
  if (t.getTime() <= before) t.setTime(before + fallbackMs);
}

/** A lookup table: allowed[value] is true for every value the field admits. */
function parseField(text: string, spec: FieldSpec, expression: string): boolean[] {
  const allowed: boolean[] = [];
  const fail = (why: string) => new NcrontabError(`'${expression}': the ${spec.name} field '${text}' ${why}.`);
  for (const item of text.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw fail(`is not valid; use *, a value, a range a-b, a list a,b or a step */n`);
    const [, range, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw fail('has a step of 0');
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [spec.min, spec.max];
    } else {
      const [a, b] = range.split('-');
      from = value(a, spec, fail);
      // "a/n" means from a to the end in steps of n.
      to = b !== undefined ? value(b, spec, fail) : stepText !== undefined ? spec.max : from;
      if (to < from) throw fail(`has a range that runs backwards (${from}-${to})`);
    }
    for (let v = from; v <= to; v += step) allowed[v] = true;
  }
  return allowed;
}

function value(text: string, spec: FieldSpec, fail: (why: string) => Error): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const number = named >= 0 ? named + (spec === MONTH ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(number) || number < spec.min || number > spec.max) {
    throw fail(`has '${text}', which is outside ${spec.min}-${spec.max}${spec.names ? ` (or ${spec.names[0]}-${spec.names.at(-1)})` : ''}`);
  }
  return number;
}
