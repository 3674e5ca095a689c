/**
 * The dashboard in a real headless Chromium (Debian's, at /usr/bin/chromium or CHROMIUM_PATH; .ci/run installs it),
 * driven by playwright-core,
 * against `durable-runtime start` with the sample app on the memory backend: filter the list, open a failed
 * DataSync run, read its timeline and history, rewind it and see it complete, start a ClaimApproval and raise its
 * event from the page, purge, and get clear messages for bad links.
 *
 * With DASHBOARD_SCREENSHOTS=<dir> it also saves the list, timeline and tree screenshots the docs show.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SampleApp, type CheckStatusPayload } from '../samples/sample-app';
import { waitFor } from '../../support/wait-for';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS;
const WAIT_MS = 30_000;

let app: SampleApp;
let browser: Browser;
let page: Page;
let dashboard: string;
let failedRun: CheckStatusPayload;
/** Answers for window.confirm, with what it asked. */
const confirmations: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.`);
  app = await SampleApp.start('memory');
  dashboard = `${app.baseUrl}/runtime/dashboard/`;
  failedRun = await app.start('/api/StartDataSync?database=dash&failStep=FetchDataAPI&failTimes=3&retryIntervalMs=100');
  await app.start('/api/StartDataSync?database=calm&retryIntervalMs=100');
  await app.waitForStatus(failedRun.statusQueryGetUri, 'the DataSync run to fail', (s) => s.runtimeStatus === 'Failed');
  // No browser download: playwright-core drives the system Chromium.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (dialog) => {
    confirmations.push(dialog.message());
    void dialog.accept();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Opens a dashboard route by URL, as a shared link would. */
async function open(route: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${dashboard}${route}`);
}

const texts = (selector: string) => page.$$eval(selector, (elements) => elements.map((e) => (e.textContent ?? '').trim()));
const waitForText = (selector: string, pattern: RegExp) => {
  let shown: string[] = [];
  return waitFor(`${selector} to show ${pattern}`, async () => (shown = await texts(selector)).some((t) => pattern.test(t)), WAIT_MS, 100, () => `It shows: ${JSON.stringify(shown)}`);
};

async function screenshot(name: string, selector?: string): Promise<void> {
  if (!SCREENSHOTS) return;
  const target = selector ? await page.$(selector) : page;
  await target!.screenshot({ path: path.join(SCREENSHOTS, name) });
}

it('lists instances with counts, filters by name and status, and keeps the filters in the URL', async () => {
  await open('');
  await page.waitForSelector('tr[data-instance-id]');
  await waitForText('.hub', /task hub .* on memory/);
  await waitForText('.counts .total', /\d+ instances/);
  await screenshot('dashboard-list.png');

  await page.fill('form#filters input[name=name]', 'DataSyncOrchestrator');
  await page.click('form#filters button[type=submit]');
  await waitFor('only DataSync runs listed', async () => {
    const names = await texts('tr[data-instance-id] td:nth-child(2)');
    return names.length === 2 && names.every((n) => n === 'DataSyncOrchestrator');
  });
  expect(new URL(page.url()).hash).toBe('#/?name=DataSyncOrchestrator');

  await page.click('.counts button[data-status=Failed]');
  await waitFor('only the failed run listed', async () => (await page.$$eval('tr[data-instance-id]', (rows) => rows.map((r) => r.getAttribute('data-instance-id')))).join() === failedRun.id);
  expect(new URL(page.url()).hash).toBe('#/?name=DataSyncOrchestrator&status=Failed');
});

it('opens the failed DataSync run: failure, timeline, history and the tree down to the failed step', async () => {
  await open('#/?name=DataSyncOrchestrator&status=Failed');
  await page.waitForSelector(`tr[data-instance-id="${failedRun.id}"] a`);
  await page.click(`tr[data-instance-id="${failedRun.id}"] a`);
  await page.waitForSelector('#timeline .bar');
  await waitForText('.failure', /Step 'FetchDataAPI' failed after 3 attempts/);
  expect(await texts('#history td:nth-child(4)')).toEqual(expect.arrayContaining(['executionStarted', 'subOrchestrationInstanceCreated', 'subOrchestrationInstanceFailed', 'executionCompleted']));
  expect(await page.$$eval('#timeline .bar-subOrchestration', (bars) => bars.map((b) => b.getAttribute('data-outcome')))).toEqual(['failed']);

  // Down the tree to the cycle that failed: its timeline shows the three attempts in one row.
  await page.click(`#tree a[href$="${encodeURIComponent(`${failedRun.id}:cycle-1`)}"]`);
  await waitForText('h1', /PollingService/);
  await page.waitForSelector('#timeline .bar-activity');
  const fetchRow = await page.$$eval('#timeline .row', (rows) =>
    rows.filter((r) => r.querySelector('.row-label')?.textContent?.includes('FetchDataAPI')).map((r) => [...r.querySelectorAll('.bar')].map((b) => b.getAttribute('data-outcome'))),
  );
  expect(fetchRow).toEqual([['failed', 'failed', 'failed']]);
  expect((await texts('#history tr[data-event-type=taskFailed] td:nth-child(6)')).map((t) => /Injected failure (\d) of 3 in FetchDataAPI/.exec(t)?.[1])).toEqual(['1', '2', '3']);
  expect(await texts('#tree .node.current')).toEqual([expect.stringContaining(`${failedRun.id}:cycle-1`)]);
  await screenshot('dashboard-timeline.png', '#timeline');
});

it('rewinds the failed run from its page and shows it complete', async () => {
  await open(`#/orchestrations/${encodeURIComponent(failedRun.id)}`);
  await page.waitForSelector('button[data-action=rewind]');
  await page.click('button[data-action=rewind]');
  await waitForText('.notice.ok', new RegExp(`Rewinding '${failedRun.id}'`));
  // The page refreshes itself while the instance runs.
  await waitForText('.facts .badge', /^Completed$/);
  expect(await page.$('button[data-action=rewind]')).toBeNull();
  expect(await texts('#history td:nth-child(4)')).toContain('executionRewound');
  // The rewound cycle went on to its follow-up: three levels in the tree.
  await waitForText('#tree', /SyncFollowUp/);
  await screenshot('dashboard-tree.png', '#tree');
});

it('starts a ClaimApproval from the page and raises its ClaimApproval event', async () => {
  await open('');
  await page.waitForSelector('button[data-action=start-new]');
  await page.click('button[data-action=start-new]');
  await page.selectOption('.start-form select[name=name]', 'ClaimApproval');
  await page.fill('.start-form input[name=instanceId]', 'claim-from-page');
  await page.fill('.start-form textarea[name=input]', '{"claimId": "C-42"}');
  await page.click('.start-form button[type=submit]');
  await waitForText('.notice.ok', /Started ClaimApproval as 'claim-from-page'/);
  await page.click('.notice.ok a');
  await waitForText('details[data-payload="custom status"] summary', /waiting for approval/);

  await page.click('button[data-action=raise-event]');
  await page.fill('.action-form input[name=eventName]', 'ClaimApproval');
  await page.fill('.action-form textarea[name=eventInput]', '{"Approved": true, "Reason": "clicked in the dashboard"}');
  await page.click('.action-form button[type=submit]');
  await waitForText('.notice.ok', /Raised event 'ClaimApproval' for 'claim-from-page'/);
  await waitForText('.facts .badge', /^Completed$/);
  await waitForText('details[data-payload=output] pre', /"reason": "clicked in the dashboard"/);
});

it('says why an action is refused, and what is wrong with bad input', async () => {
  await open('#/orchestrations/claim-from-page');
  await page.waitForSelector('button[data-action=restart]');
  await open('#/orchestrations/no-such-instance');
  await waitForText('.notice.error', /No orchestration instance 'no-such-instance'/);
  await open('#/?createdFrom=last-tuesday');
  await waitForText('.notice.error', /createdFrom 'last-tuesday' is not a time/);
  await open('#/');
  await page.waitForSelector('button[data-action=start-new]');
  await page.click('button[data-action=start-new]');
  await page.selectOption('.start-form select[name=name]', 'HelloCities');
  await page.fill('.start-form textarea[name=input]', '{not json');
  await page.click('.start-form button[type=submit]');
  await waitForText('.notice.error', /'input' is not valid JSON/);
});

it('purges one instance, then every finished one matching the filter after saying how many', async () => {
  await open('#/orchestrations/claim-from-page');
  await page.waitForSelector('button[data-action=purge]');
  await page.click('button[data-action=purge]');
  await waitForText('.notice.ok', /Purged 'claim-from-page' and its history/);
  expect(confirmations.at(-1)).toMatch(/Purge 'claim-from-page'/);
  expect((await app.get(app.statusUrl('claim-from-page'))).status).toBe(404);

  await open('#/?name=DataSyncOrchestrator');
  await page.waitForSelector('button[data-action=purge-matching]');
  await page.click('button[data-action=purge-matching]');
  await waitForText('.notice.ok', /Purged 2 finished instances/);
  expect(confirmations.at(-1)).toMatch(/^Purge 2 finished instances \(Completed, Failed, Terminated, Canceled\) matching these filters/);
  await waitForText('.list .empty', /No orchestration matches/);
});
