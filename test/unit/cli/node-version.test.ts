// The Node.js version rule behind the start-up warning: 22 and 24 are supported; 20 runs but is past its end of life
// and below what the Azure SDK and Azurite packages declare; anything else is untested or too old.
import { nodeVersionWarning } from '../../../src/cli/node-version';

test.each(['v22.0.0', 'v22.23.3', 'v24.21.0'])('%s is supported: no warning', (version) => {
  expect(nodeVersionWarning(version)).toBeUndefined();
});

test('Node.js 20 runs, with a warning that says why to move and where to', () => {
  expect(nodeVersionWarning('v20.20.2')).toBe(
    'Node.js v20.20.2 is past its end of life (2026-04-30), and the Azure SDK and Azurite packages durable-runtime uses ' +
      'require Node.js 22 or later; durable-runtime still runs on it. Use Node.js 22 (the version Azure Functions runs) or 24.',
  );
});

test.each(['v18.20.4', 'v16.0.0'])('%s is not supported', (version) => {
  expect(nodeVersionWarning(version)).toBe(
    `Node.js ${version} is not supported: it is older than Node.js 20, the oldest durable-runtime runs on. Use Node.js 22 (the version Azure Functions runs) or 24.`,
  );
});

test.each(['v21.7.3', 'v23.11.0', 'v25.0.0', 'v26.1.0', 'not-a-version'])('%s is not a tested line', (version) => {
  expect(nodeVersionWarning(version)).toBe(
    `Node.js ${version} is not a version durable-runtime is tested on (Node.js 22 and 24). Use Node.js 22 (the version Azure Functions runs) or 24.`,
  );
});
