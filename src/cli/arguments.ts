// Command-line parsing for `durable-runtime`: small and strict, so a typo gets an error that says what to do.

import { DurableRuntimeError } from '../core';

export class UsageError extends DurableRuntimeError {}

export interface OptionSpec {
  readonly name: string;
  readonly alias?: string;
  /** Options with a value take the next argument or `--name=value`. */
  readonly value?: 'number' | 'string';
  /** How help shows the value, e.g. '<dir>' (default '<n>' for numbers, '<value>' for strings). */
  readonly placeholder?: string;
  readonly description: string;
}

export type ParsedOptions = Record<string, string | number | boolean | undefined>;

export function parseOptions(command: string, argv: readonly string[], specs: readonly OptionSpec[]): ParsedOptions {
  const parsed: ParsedOptions = {};
  const help = `Run 'durable-runtime ${command} --help' to see the options.`;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    const spec = specs.find((s) => `--${s.name}` === flag || (s.alias !== undefined && `-${s.alias}` === flag));
    if (!spec) {
      throw new UsageError(flag.startsWith('-') ? `Unknown option '${flag}' for 'durable-runtime ${command}'. ${help}` : `Unexpected argument '${flag}'. ${help}`);
    }
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`The option --${spec.name} takes no value. ${help}`);
      parsed[spec.name] = true;
      continue;
    }
    const text = inline ?? argv[++i];
    if (text === undefined || (inline === undefined && text.startsWith('--'))) throw new UsageError(`The option --${spec.name} needs a value. ${help}`);
    if (spec.value === 'number') {
      const number = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(number)) throw new UsageError(`The option --${spec.name} needs a whole number, but got '${text}'. ${help}`);
      parsed[spec.name] = number;
    } else {
      parsed[spec.name] = text;
    }
  }
  return parsed;
}

export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`${s.alias ? `-${s.alias}, ` : '    '}--${s.name}${s.value ? ` ${s.placeholder ?? (s.value === 'number' ? '<n>' : '<value>')}` : ''}`, s.description]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}
