// Timer triggers on schedule, at start-up and with retries; triggers the host does not serve are listed with a note and
// run through the admin API, as is a queue trigger whose storage connection is missing; host.json is overridden by an AzureFunctionsJobHost__ setting. Durable triggers are
// served by the durable extension (on the memory backend here).
import { startCli, type CliProcess } from '../../support/cli-process';
import { fixtureApp } from '../../support/fixture-apps';

let cli: CliProcess;
// The override moves every HTTP route from /api to /custom.
const url = (p: string) => `${cli.baseUrl}/custom${p}`;

interface TimerState {
  everySecond: { schedule: unknown; scheduleStatus: { last: string; next: string; lastUpdated: string }; isPastDue: boolean }[];
  onStartup: number;
  retryAttempts: ({ retryCount: number; maxRetryCount: number; exception: { message: string } } | null)[];
}

async function timerState(until: (state: TimerState) => boolean): Promise<TimerState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const state = (await (await fetch(url('/timerState'))).json()) as TimerState;
    if (until(state)) return state;
    if (Date.now() > deadline) throw new Error(`Timer state never reached the expected shape: ${JSON.stringify(state)}\n${cli.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  cli = await startCli({ args: ['start', '--cwd', fixtureApp('non-http'), '--backend', 'memory'], env: { AzureFunctionsJobHost__extensions__http__routePrefix: 'custom' } });
});
afterAll(async () => {
  await cli?.stop();
});

test('a timer with a %SETTING% schedule fires every second with the camel-cased timer payload', async () => {
  const state = await timerState((s) => s.everySecond.length >= 2);
  const [first, second] = state.everySecond;
  expect(first).toEqual({
    schedule: { adjustForDST: true },
    scheduleStatus: { last: '0001-01-01T00:00:00', next: expect.any(String), lastUpdated: expect.any(String) },
    isPastDue: false,
  });
  // Occurrences fall on whole seconds; the next one is later than the last (a busy machine may skip a second).
  const [last, next] = [Date.parse(second.scheduleStatus.last), Date.parse(second.scheduleStatus.next)];
  expect(last % 1000).toBe(0);
  expect(next % 1000).toBe(0);
  expect(next).toBeGreaterThan(last);
});

test('runOnStartup runs a yearly timer once at start-up', async () => {
  expect((await timerState(() => true)).onStartup).toBe(1);
});

test('a failing timer is retried by its retry policy with a retryContext', async () => {
  const state = await timerState((s) => s.retryAttempts.length >= 3);
  expect(state.retryAttempts).toEqual([
    null,
    expect.objectContaining({ retryCount: 1, maxRetryCount: 2, exception: expect.objectContaining({ message: 'attempt 1 fails' }) }),
    expect.objectContaining({ retryCount: 2, maxRetryCount: 2, exception: expect.objectContaining({ message: 'attempt 2 fails' }) }),
  ]);
});

test('triggers without a listener are listed with a note, not dropped', () => {
  const output = cli.output();
  expect(output).toContain('fancy: fancyTrigger  (not served');
  expect(output).toMatch(/Function 'fancy': trigger '\w+' of type 'fancyTrigger' is not served by durable-runtime/);
  // The queue trigger is served, but this app has no AzureWebJobsStorage: its listener says so and the rest runs.
  expect(output).toMatch(/queueWorker: queueTrigger\n/);
  expect(output).toMatch(/Function 'queueWorker', queueTrigger trigger '\w+': The storage connection 'AzureWebJobsStorage' is not configured/);
  expect(output).toMatch(/helloOrchestration: orchestrationTrigger\n/);
  expect(output).toMatch(/sayHello: activityTrigger\n/);
  expect(output).toMatch(/everySecond: timerTrigger\n/);
});

test('POST /admin/functions/{name} runs a queue function with the given input', async () => {
  const accepted = await fetch(`${cli.baseUrl}/admin/functions/queueWorker`, { method: 'POST', body: JSON.stringify({ input: 'hello queue' }) });
  expect(accepted.status).toBe(202);
  // The handler runs; its queue outputs cannot be delivered without AzureWebJobsStorage, which fails the invocation.
  await cli.waitForOutput(/Executed 'Functions\.queueWorker' \(Failed[^\n]*\n[^\n]*queue output binding '[\w$]+'[^\n]*The storage connection 'AzureWebJobsStorage' is not configured/);
  expect(await (await fetch(url('/received'))).json()).toEqual([{ message: 'hello queue', functionName: 'queueWorker', triggerMetadata: null }]);
});

test('the admin API rejects a body without JSON', async () => {
  expect((await fetch(`${cli.baseUrl}/admin/functions/queueWorker`, { method: 'POST', body: 'not json' })).status).toBe(400);
});
