// Errors of the Durable Task Scheduler connection, each naming the setting or the endpoint it is about and what
// to do, so a start-up failure is one clear line.

/** The connection-string app setting (or the hub name that must agree with it) is wrong. */
export class SchedulerSettingError extends Error {
  constructor(readonly settingName: string, problem: string) {
    super(`The app setting ${settingName} ${problem}`);
    this.name = 'SchedulerSettingError';
  }
}

/** The Scheduler could not be reached, refused the identity, or does not have the task hub. */
export class SchedulerConnectionError extends Error {
  constructor(message: string, readonly code?: number) {
    super(message);
    this.name = 'SchedulerConnectionError';
  }
}

/** The role an identity needs on the task hub or scheduler (specs/azure-deployment.md §2.2). */
export const SCHEDULER_DATA_ROLE = 'Durable Task Data Contributor';
