// Which Scheduler task hub the app uses. Two places may name it: host.json `extensions.durableTask.hubName` (often
// "%TASKHUB_NAME%", an app-setting reference) and the connection string's `TaskHub`. Azure app settings usually
// leave `TaskHub` out (specs/azure-deployment.md §3.3); which one wins when they differ is not documented (§10),
// so they must agree, and the error says where each value came from.

import type { SchedulerConnection } from './connection-string';
import { SchedulerSettingError } from './scheduler-errors';

export interface SchedulerTaskHubSources {
  /** host.json `hubName` as written, before `%SETTING%` references are replaced. */
  hubName: string | undefined;
  /** Names the file for errors, e.g. "/app/host.json". */
  hostJsonSource: string;
  /** App settings (environment plus local.settings.json Values). */
  settings: Readonly<Record<string, string | undefined>>;
  connection: SchedulerConnection;
  /** The app setting holding the connection string. */
  connectionSettingName: string;
}

export function resolveSchedulerTaskHub(sources: SchedulerTaskHubSources): string {
  const { hubName, hostJsonSource, settings, connection, connectionSettingName } = sources;
  const fromHostJson = hubName ? expandSettingReferences(hubName, settings, hostJsonSource) : undefined;
  const fromConnection = connection.taskHub;
  if (fromHostJson && fromConnection && fromHostJson.toLowerCase() !== fromConnection.toLowerCase()) {
    const hostJsonOrigin = hubName === fromHostJson ? '' : ` (from ${hubName})`;
    throw new SchedulerSettingError(
      connectionSettingName,
      `says TaskHub=${fromConnection}, but ${hostJsonSource} extensions.durableTask.hubName is '${fromHostJson}'${hostJsonOrigin}. ` +
        `They name the same task hub and must agree: change one of them, or leave TaskHub out of the connection string.`,
    );
  }
  const name = fromHostJson ?? fromConnection;
  if (!name) {
    throw new SchedulerSettingError(
      connectionSettingName,
      `has no TaskHub, and ${hostJsonSource} sets no extensions.durableTask.hubName. Name the Scheduler task hub in one of them (the emulator's is "default").`,
    );
  }
  return name;
}

/** Replaces `%NAME%` with the app setting NAME, as the Functions host does for host.json values. */
function expandSettingReferences(text: string, settings: Readonly<Record<string, string | undefined>>, source: string): string {
  return text.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = settings[name];
    if (value === undefined || value === '') {
      throw new SchedulerSettingError(name, `is not set, but ${source} extensions.durableTask.hubName refers to it as '${text}'. Add it to local.settings.json Values or the environment.`);
    }
    return value;
  });
}
