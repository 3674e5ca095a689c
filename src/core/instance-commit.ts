// What processing one instance's inbox changes, applied by a backend as one unit. It lives in core because the
// engine's pure rules produce it; backends/backend.ts re-exports it as part of the Backend contract.

import type { HistoryEvent } from './history';
import type { InstanceRecord } from './instance';
import type { ActivityTask, OutboundMessage } from './messages';

export interface InstanceCommit {
  /** The new instance record; `null` leaves no record (a discarded message for an unknown instance). */
  instance: InstanceRecord | null;
  /** Events to add to the stored history, or a whole new history (continue-as-new, rewind). */
  history: { append: HistoryEvent[] } | { replace: HistoryEvent[] };
  /** Messages to other instances' inboxes (and to this one: timers, continue-as-new). */
  messages: OutboundMessage[];
  /** Activity invocations to enqueue. */
  activities: ActivityTask[];
  /** Inbox messages of the work item that must stay in the inbox (for example held for a later episode). */
  keepMessageIds?: string[];
}
