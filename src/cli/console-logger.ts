// The CLI's logger: timestamped lines like func's, info to stdout, warnings and errors to stderr, filtered by
// host.json `logging.logLevel.default` (or --verbose).

import type { Logger } from '../core';

const LEVELS = ['debug', 'info', 'warn', 'error', 'none'] as const;
type Level = (typeof LEVELS)[number];

/** .NET log level names as host.json writes them. */
const HOST_JSON_LEVELS: Record<string, Level> = {
  trace: 'debug',
  debug: 'debug',
  information: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'error',
  none: 'none',
};

export class ConsoleLogger implements Logger {
  #min: number;

  constructor(
    level: Level = 'info',
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {
    this.#min = LEVELS.indexOf(level);
  }

  /** Applies a host.json level name; unknown names keep the current level. */
  useHostJsonLevel(name: string): void {
    const level = HOST_JSON_LEVELS[name.toLowerCase()];
    if (level) this.#min = LEVELS.indexOf(level);
  }

  debug(message: string): void {
    this.#write('debug', message);
  }
  info(message: string): void {
    this.#write('info', message);
  }
  warn(message: string): void {
    this.#write('warn', message);
  }
  error(message: string): void {
    this.#write('error', message);
  }

  #write(level: Level, message: string): void {
    if (LEVELS.indexOf(level) < this.#min) return;
    const stream = level === 'warn' || level === 'error' ? this.err : this.out;
    stream.write(`[${new Date().toISOString()}] ${message}\n`);
  }
}
