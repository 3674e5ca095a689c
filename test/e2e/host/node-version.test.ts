// The start-up log says when the Node.js running the host is not a supported version (the rule itself:
// test/unit/cli/node-version.test.ts). Run under Node.js 20 it must warn; under 22 or 24, stay quiet.
import { nodeVersionWarning } from '../../../src/cli/node-version';
import { startCli } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';

test(`the start-up log on ${process.version} says what the version rule says`, async () => {
  const cli = await startCli({ args: ['start', '--cwd', fixtureApp('esm-app')] });
  try {
    const warning = nodeVersionWarning(process.version);
    if (warning) expect(cli.output()).toContain(warning);
    else expect(cli.output()).not.toMatch(/Node\.js v\d+/);
  } finally {
    await cli.stop();
  }
});
