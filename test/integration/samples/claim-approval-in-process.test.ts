// The sample app's ClaimApproval orchestration tested in-process through the package's public face, the way a user
// tests their own orchestrators: no host process, no storage, and a day-long approval timeout skipped in milliseconds.
import path from 'node:path';
import { createTestEnvironment, type TestEnvironment } from '../../../src';

const REPO_ROOT = path.resolve(__dirname, '../../..'); // package.json main: dist/functions/*.js (npm test builds first)
const GREETINGS = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

let env: TestEnvironment;
beforeAll(async () => {
  env = await createTestEnvironment({ appDir: REPO_ROOT, timeSkipping: true });
});
afterAll(() => env.close());

it('escalates a claim nobody decides once its timeout passes, skipping the wait on the test clock', async () => {
  const startedAt = env.clock.now();
  const id = await env.client.startNew('ClaimApproval', { input: { claimId: 'C-7', timeoutSeconds: 24 * 60 * 60 } });
  const status = await env.client.waitForCompletion(id);
  expect(status).toMatchObject({
    runtimeStatus: 'Completed',
    customStatus: 'escalated',
    output: {
      claimId: 'C-7',
      outcome: 'timedOut',
      reason: 'No decision within 86400 seconds',
      escalation: 'Claim C-7 escalated to a claims supervisor: No decision within 86400 seconds.',
      greetings: GREETINGS,
    },
  });
  expect(env.clock.now() - startedAt).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
});

it('approves a claim when the ClaimApproval event arrives before the timeout', async () => {
  const id = await env.client.startNew('ClaimApproval', { input: { claimId: 'C-8', timeoutSeconds: 60 } });
  const deadline = Date.now() + 10_000;
  while ((await env.client.getStatus(id))?.customStatus !== 'waiting for approval') {
    if (Date.now() > deadline) throw new Error(`ClaimApproval never reached "waiting for approval": ${JSON.stringify(await env.client.getStatus(id))}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await env.client.raiseEvent(id, 'ClaimApproval', { Approved: true, Reason: 'receipts attached' });
  const status = await env.client.waitForCompletion(id);
  expect(status).toMatchObject({
    runtimeStatus: 'Completed',
    customStatus: 'approved',
    output: { claimId: 'C-8', outcome: 'approved', reason: 'receipts attached', greetings: GREETINGS },
  });
});
