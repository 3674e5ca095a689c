// A durabletask-js SDK worker as its own process, so a test can kill it mid-run. It runs `steps` (five sequential
// `step` activities) and appends every activity run to a log file before answering, so the test can tell how far
// the work got. Arguments: <emulator address> <task hub> <activity log file>.

import { appendFileSync } from 'node:fs';
import type { ActivityContext, OrchestrationContext } from '@microsoft/durabletask-js';
import { sdkWorker } from './emulator-process';

const [address, taskHub, activityLog] = process.argv.slice(2);
const worker = sdkWorker(address, taskHub);
worker.addNamedActivity('step', (ctx: ActivityContext, n: number) => {
  appendFileSync(activityLog, `${ctx.orchestrationId}/${n}\n`);
  return n;
});
worker.addNamedOrchestrator('steps', async function* (ctx: OrchestrationContext): any {
  const done: number[] = [];
  for (let n = 1; n <= 5; n++) done.push(yield ctx.callActivity('step', n));
  return done;
});
worker.start().then(
  () => process.send?.('started'),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
