// CLI argument parsing: strict, with errors that say what to do.
import { parseOptions, UsageError } from '../../../src/cli/arguments';
import { START_OPTIONS } from '../../../src/cli/start-command';

describe('durable-runtime start options', () => {
  test('reads values in both forms, aliases and flags', () => {
    expect(parseOptions('start', ['--port', '8080', '--cwd=/app', '--require-keys'], START_OPTIONS)).toEqual({ port: 8080, cwd: '/app', 'require-keys': true });
    expect(parseOptions('start', ['-p', '9000'], START_OPTIONS)).toEqual({ port: 9000 });
  });

  test.each([
    [['--bogus'], "Unknown option '--bogus' for 'durable-runtime start'. Run 'durable-runtime start --help' to see the options."],
    [['--port'], 'The option --port needs a value.'],
    [['--port', 'abc'], "The option --port needs a whole number, but got 'abc'."],
    [['--require-keys=yes'], 'The option --require-keys takes no value.'],
    [['extra'], "Unexpected argument 'extra'."],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseOptions('start', argv, START_OPTIONS)).toThrow(UsageError);
    expect(() => parseOptions('start', argv, START_OPTIONS)).toThrow(message);
  });
});
