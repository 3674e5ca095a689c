/**
 * The dashboard of `durable-runtime emulator` (its --dashboard-port) in a real headless Chromium, with the official
 * @microsoft/durabletask-js SDK as the app: the only task hub's page opens at `/`, lists what the SDK started, and an
 * event raised from the page reaches the SDK's orchestrator (issue 16 "The web app ... by durable-runtime emulator").
 */
import { existsSync } from 'node:fs';
import type { OrchestrationContext } from '@microsoft/durabletask-js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sdkClient, sdkWorker, startEmulator, type EmulatorProcess } from '../../support/emulator-process';
import { waitFor } from '../../support/wait-for';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let emulator: EmulatorProcess;
let client: ReturnType<typeof sdkClient>;
let worker: ReturnType<typeof sdkWorker>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.`);
  emulator = await startEmulator();
  client = sdkClient(emulator.address);
  worker = sdkWorker(emulator.address);
  worker.addNamedOrchestrator('greetWhenTold', async function* (ctx: OrchestrationContext, name: string): any {
    ctx.setCustomStatus('waiting for go');
    const how: { greeting: string } = yield ctx.waitForExternalEvent('go');
    return `${how.greeting}, ${name}!`;
  });
  await worker.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop().catch(() => undefined);
  await client?.stop();
  await emulator?.stop('SIGINT');
});

const texts = (selector: string) => page.$$eval(selector, (elements) => elements.map((e) => (e.textContent ?? '').trim()));
const waitForText = (selector: string, pattern: RegExp) => {
  let shown: string[] = [];
  return waitFor(`${selector} to show ${pattern}`, async () => (shown = await texts(selector)).some((t) => pattern.test(t)), 30_000, 100, () => `It shows: ${JSON.stringify(shown)}`);
};

test('opens the only task hub at /, lists what the SDK started, and raises an event the SDK orchestrator receives', async () => {
  const id = await client.scheduleNewOrchestration('greetWhenTold', 'Ada', 'greet-ada');
  await waitFor('the orchestrator to wait', async () => (await client.getOrchestrationState(id))?.serializedCustomStatus === '"waiting for go"');

  await page.goto(`http://localhost:${emulator.dashboardPort}/`);
  expect(new URL(page.url()).pathname).toBe('/taskhubs/default/');
  await waitForText('.hub', /task hub default on memory/);
  await page.waitForSelector('tr[data-instance-id="greet-ada"]');
  expect(await texts('tr[data-instance-id="greet-ada"] td:nth-child(2)')).toEqual(['greetWhenTold']);

  await page.click('tr[data-instance-id="greet-ada"] a');
  await waitForText('details[data-payload="custom status"] summary', /waiting for go/);
  await page.click('button[data-action=raise-event]');
  await page.fill('.action-form input[name=eventName]', 'go');
  await page.fill('.action-form textarea[name=eventInput]', '{"greeting": "Hello"}');
  await page.click('.action-form button[type=submit]');
  await waitForText('.notice.ok', /Raised event 'go' for 'greet-ada'/);
  await waitForText('.facts .badge', /^Completed$/);
  expect((await client.getOrchestrationState(id))?.serializedOutput).toBe('"Hello, Ada!"');
  expect(await texts('#history td:nth-child(4)')).toEqual(expect.arrayContaining(['executionStarted', 'eventRaised', 'executionCompleted']));
}, 90_000);
