#!/usr/bin/env node
// `durable-runtime`: the command-line entry point. src/cli holds argument parsing and the commands only; the
// durable wiring they start lives in src/durable-extension.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './arguments';
import { ConsoleLogger } from './console-logger';
import { emulatorCommand } from './emulator-command';
import { startCommand } from './start-command';

interface Command {
  readonly summary: string;
  run(argv: readonly string[], logger: ConsoleLogger): Promise<{ stopped: Promise<void> } | undefined>;
}

const COMMANDS: Record<string, Command> = {
  start: { summary: 'Run the Functions app in a folder, like `func start`', run: startCommand },
  emulator: { summary: 'Run a Durable Task Scheduler emulator (gRPC) without Docker', run: emulatorCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return `Usage: durable-runtime <command> [options]

Runs unmodified Azure Functions (Node.js v4) and Durable Functions apps on plain Node.js.

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`).join('\n')}

Run 'durable-runtime <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command '${name}'. Run 'durable-runtime --help' to see the commands.\n`);
    return 2;
  }
  const logger = new ConsoleLogger();
  keepServingAfterStrayErrors(logger);
  try {
    const running = await command.run(rest, logger);
    if (!running) return 0;
    await running.stopped;
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    logger.error(describeStartupError(error));
    return 1;
  }
}

/**
 * An app's un-awaited rejected promise or a throw in its own timer would end the process (Node's default); a
 * development server logs it and keeps serving the other functions.
 */
function keepServingAfterStrayErrors(logger: ConsoleLogger): void {
  const report = (kind: string) => (error: unknown) =>
    logger.error(`${kind} (the host keeps running): ${(error as Error)?.stack ?? String(error)}`);
  process.on('unhandledRejection', report('Unhandled promise rejection in the app'));
  process.on('uncaughtException', report('Uncaught exception in the app'));
}

const RUNTIME_DIR = path.resolve(__dirname, '..') + path.sep;

/** The message says what is wrong; for a module that threw while loading, the app's own frames show where. */
function describeStartupError(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: string; cause?: { stack?: string } };
  const appFrames = (cause?.stack ?? '')
    .split('\n')
    .filter((line) => !line.includes('node:internal') && !line.includes(`${path.sep}node_modules${path.sep}`) && !line.includes(RUNTIME_DIR))
    .join('\n');
  return `${message ?? String(error)}${appFrames ? `\n${appFrames}` : ''}`;
}

// Exit explicitly: a streaming app's proxy server and the app's own handles would keep the process alive.
main(process.argv.slice(2)).then((code) => process.exit(code));

