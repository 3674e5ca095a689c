// The one-call case: run one orchestration of an app, optionally with some activities mocked, and get its output.
//
//   const output = await runOrchestration(appDir, 'HelloCities', { activities: { SayHello: (city) => `Hi ${city}` } });

import { createTestEnvironment, type TestEnvironmentOptions } from './test-environment';
import type { ActivityMock } from './function-mocks';

export interface RunOrchestrationOptions extends Omit<TestEnvironmentOptions, 'appDir'> {
  input?: unknown;
  /** Activity name → handler run instead of the app's activity. */
  activities?: Record<string, ActivityMock>;
  /** Real time to wait for the orchestration to finish (default 30 s); its timers are skipped. */
  timeoutMs?: number;
}

/**
 * Starts `name` in a fresh test environment, waits (skipping its timers) and resolves with its output; rejects with
 * the failure when it does not complete. For many tests, share one createTestEnvironment instead.
 */
export async function runOrchestration(appDir: string, name: string, options: RunOrchestrationOptions = {}): Promise<unknown> {
  const { input, activities = {}, timeoutMs, ...environment } = options;
  const env = await createTestEnvironment({ ...environment, appDir });
  try {
    for (const [activity, handler] of Object.entries(activities)) env.mockActivity(activity, handler);
    const instanceId = await env.client.startNew(name, { input });
    const status = await env.client.waitForCompletion(instanceId, { timeoutMs });
    if (status.runtimeStatus !== 'Completed') {
      throw new Error(`The orchestration '${name}' (instance '${instanceId}') ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
    }
    return status.output;
  } finally {
    await env.close();
  }
}
