// Messages between instances: an event addressed to an instance's inbox (DT.Core `TaskMessage`).

import type { HistoryEvent, TaskScheduledEvent } from './history';

export interface TaskMessage {
  instanceId: string;
  /** When set, the message is for that execution only (responses to scheduled work). */
  executionId?: string;
  event: HistoryEvent;
}

/** A message with the time it may be delivered (durable timers, scheduled starts). */
export interface OutboundMessage extends TaskMessage {
  /** Epoch ms; absent means now. */
  visibleAt?: number;
}

/** An activity invocation waiting in the activity queue. */
export interface ActivityTask {
  instanceId: string;
  executionId: string;
  event: TaskScheduledEvent;
}
