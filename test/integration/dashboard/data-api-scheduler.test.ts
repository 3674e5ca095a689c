// The dashboard's data API on the Scheduler backend (azureManaged): GrpcTaskHub against a `durable-runtime emulator`
// child process. The same cases as memory and Azure Storage; where the Scheduler cannot (order=), the refusal, and
// entity details without the queued requests (the protocol gives only their number).
import { GrpcTaskHub, parseSchedulerConnectionString } from '../../../src/taskhub/grpc';
import { schedulerConnectionString, startEmulator, type EmulatorProcess } from '../../support/emulator-process';
import { describeDashboardApi } from './dashboard-api-cases';

let emulator: EmulatorProcess | undefined;

describeDashboardApi(
  'the Scheduler (durable-runtime emulator)',
  async () => {
    emulator = await startEmulator();
    const hub = new GrpcTaskHub({
      connection: parseSchedulerConnectionString(schedulerConnectionString(emulator), 'DTS_CONNECTION'),
      taskHub: 'DashHub',
      settingName: 'DTS_CONNECTION',
      concurrency: { orchestrator: 4, activity: 4, entity: 4 },
    });
    await hub.start();
    const stopStorage = async () => {
      await emulator?.stop();
      emulator = undefined;
    };
    return { hub, label: 'azureManaged', waitMs: 30_000, stopStorage, close: stopStorage };
  },
  { storageCanStop: true, ordersByCreation: false, entityBacklog: false },
);
