/**
 * Durable timers on Azure Storage fire on time after the worker has been idle (issue 12: timers on time). An idle
 * worker backs its queue polling off to 30 s, so before, a 30 s timer could fire up to 30 s late; the worker now
 * wakes its reader when a timer it scheduled becomes due. The sample's CountPrimes with two chunks waits on one
 * timer between them; each orchestration's timer is due 30 s (plus a fraction of a second, so the whole-second
 * queue visibility is exercised) after it was created, and nothing else happens meanwhile. How late each timer
 * fired — when the orchestrator ran after it, from the history — is printed as p50/p95/max; the test asserts that
 * every timer fired, and never before it was due.
 */
import { SampleApp, type InstanceStatus } from '../samples/sample-app';

const TIMERS = 20;
const PAUSE_SECONDS = 30;

let app: SampleApp;

beforeAll(async () => {
    app = await SampleApp.start('AzureStorage', { waitMs: 120_000 });
});
afterAll(async () => {
    await app?.stop();
});

/** When the timer was due, and when the orchestrator ran after it (it scheduled the second chunk then). */
function timerTimes(status: InstanceStatus): { dueAt: number; ranAt: number } {
    const events = status.historyEvents as ({ EventType: string; FireAt?: string; ScheduledTime?: string }[] | undefined) ?? [];
    const fired = events.findIndex((e) => e.EventType === 'TimerFired');
    const next = events.slice(fired + 1).find((e) => e.EventType === 'TaskCompleted');
    if (fired < 0 || !next?.ScheduledTime) throw new Error(`No TimerFired followed by a TaskCompleted in ${JSON.stringify(events)}`);
    return { dueAt: Date.parse(events[fired].FireAt!), ranAt: Date.parse(next.ScheduledTime) };
}

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

test(`${TIMERS} timers of ${PAUSE_SECONDS} s on an idle worker fire on time`, async () => {
    const started = [];
    for (let i = 0; i < TIMERS; i++) {
        const pauseSeconds = PAUSE_SECONDS + (i + 0.5) / TIMERS;
        started.push(await app.start('/api/orchestrators/CountPrimes', { upTo: 1000, chunks: 2, pauseSeconds }));
    }
    const finished = await Promise.all(
        started.map((s) => app.waitForStatus(`${s.statusQueryGetUri}&showHistory=true`, 'the instance to complete', (status) => status.runtimeStatus === 'Completed')),
    );
    const lateness = finished.map(timerTimes).map(({ dueAt, ranAt }) => ranAt - dueAt);
    const sorted = [...lateness].sort((a, b) => a - b);
    console.log(
        `${TIMERS} timers of ${PAUSE_SECONDS}–${PAUSE_SECONDS + 1} s on an idle AzureStorage worker fired late by ` +
            `p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, max ${sorted[sorted.length - 1]} ms.`,
    );
    expect(finished.map((s) => s.output)).toEqual(started.map(() => ({ upTo: 1000, chunks: 2, primes: 168 })));
    // Never early: a timer whose message arrives before its due time (whole-second visibility) waits for it.
    expect(sorted[0]).toBeGreaterThanOrEqual(0);
}, 180_000);
