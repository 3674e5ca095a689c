import * as path from 'node:path';
import { parseHttpFile, resolveReferences } from './rest-client-file';
import { BACKENDS, useSampleApp } from './sample-app';

const TEST_HTTP = path.resolve(__dirname, '../../../test.http');

/**
 * Run back to back, two requests meet an instance in a state a user clicking along would not see: the built-in
 * raiseEvent right after the approve route (the file says to use one or the other: the claim is decided → 410), and a
 * rewind before the failing run has used up its retries (→ 412). The samples' own suites cover those paths in order.
 */
const ORDER_DEPENDENT: { pattern: RegExp; status: number }[] = [
    { pattern: /^POST \/runtime\/webhooks\/durabletask\/instances\/[^/]+\/raiseEvent\/ClaimApproval$/, status: 410 },
    { pattern: /^POST \/runtime\/webhooks\/durabletask\/instances\/[^/]+\/rewind\?/, status: 412 },
];

/**
 * A request that meets the state before the previous one landed is sent again for a while, as a user would click
 * it again: a GET answered 404 (a sub-orchestration or entity signal not created yet), a purge answered 412 (the
 * terminate before it still queued), or a resume refused because the instance is still Running (the suspend before it
 * still queued; the extension refuses that resume with a 500). On Azure Storage those take a moment.
 */
function notLandedYet(method: string, status: number, text: string): boolean {
    if (method === 'GET') return status === 404;
    if (method === 'DELETE') return status === 412;
    return method === 'POST' && status === 500 && text.includes('Cannot resume orchestration instance in the Running state.');
}
const RETRY_MS = 10_000;

describe.each(BACKENDS)('test.http (%s backend)', (backend) => {
    const app = useSampleApp(backend);

    it('runs top to bottom with every request accepted', async () => {
        const file = parseHttpFile(TEST_HTTP);
        expect(file.requests.length).toBeGreaterThan(40);
        file.variables.set('host', app().baseUrl);
        // The management section acts on @instanceId, which the user pastes in: give it a live instance.
        const live = await app().start('/api/orchestrators/CountPrimes', { pauseSeconds: 3600 });
        file.variables.set('instanceId', live.id);

        const responses = new Map<string, { headers: Headers; body: unknown }>();
        const unexpected: string[] = [];
        for (const request of file.requests) {
            const url = resolveReferences(request.url, file.variables, responses);
            const body = request.body && resolveReferences(request.body, file.variables, responses);
            const send = async () => {
                const response = await fetch(url, { method: request.method, headers: request.headers, body });
                return { response, text: await response.text() };
            };
            let { response, text } = await send();
            for (const deadline = Date.now() + RETRY_MS; notLandedYet(request.method, response.status, text) && Date.now() < deadline; ) {
                await new Promise((resolve) => setTimeout(resolve, 100));
                ({ response, text } = await send());
            }
            if (request.name) responses.set(request.name, { headers: response.headers, body: text ? JSON.parse(text) : undefined });

            const line = `${request.method} ${url.slice(app().baseUrl.length)}`;
            const allowed = [200, 202, ...ORDER_DEPENDENT.filter((o) => o.pattern.test(line)).map((o) => o.status)];
            if (!allowed.includes(response.status)) unexpected.push(`${line} -> ${response.status} ${text}`);
        }
        expect(unexpected).toEqual([]);
    });
});
