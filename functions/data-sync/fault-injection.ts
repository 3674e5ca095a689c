/**
 * Makes a chosen pipeline step fail its first N attempts, so the retry path (and rewind) can be seen on demand.
 * Attempts are counted in a file per run and step, because each retry is a fresh activity invocation.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { dataDirectory } from './pipeline-settings';

export interface FaultPlan {
    step: string;
    times: number;
}

export async function failIfPlanned(fault: FaultPlan | undefined, runId: string, step: string): Promise<void> {
    if (fault?.step !== step) return;
    const counter = path.join(dataDirectory(), 'fault-injection', `${runId.replace(/[^A-Za-z0-9_-]/g, '_')}.${step}.count`);
    await mkdir(path.dirname(counter), { recursive: true });
    const attempt = Number(await readFile(counter, 'utf8').catch(() => '0')) + 1;
    await writeFile(counter, String(attempt));
    if (attempt <= fault.times) {
        throw new Error(`Injected failure ${attempt} of ${fault.times} in ${step} (failStep=${step}&failTimes=${fault.times}).`);
    }
}
