// What every route handler works with: the task hub, the settings behind the links it hands out, and the
// app's function list (unknown orchestrator or entity names are refused with 400, as the extension does).

import type { Clock } from '../core';
import type { TaskHubClient } from '../taskhub';
import type { WebhookSettings } from './management-urls';

export interface ApiContext {
  hub: TaskHubClient & { readonly name: string };
  webhook: WebhookSettings;
  /** Case-insensitive; absent means every name is accepted. */
  orchestratorExists?: (name: string) => boolean;
  entityExists?: (name: string) => boolean;
  clock: Clock;
}
