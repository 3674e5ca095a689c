// When a message is due, from its event, as DT.AS derives a message's initial visibility delay
// (specs/backends.md A4.3, TaskHubQueue.GetVisibilityDelay): a timer at its fire time, a scheduled start at its
// start time, a delayed entity signal at its scheduled time. Everything else is due when sent.

import type { TaskMessage } from '../../core';

export function dueTimeOf(message: TaskMessage): number | undefined {
  const event = message.event;
  let time: string | undefined;
  if (event.type === 'timerFired') time = event.fireAt;
  else if (event.type === 'executionStarted') time = event.scheduledStartTimestamp;
  else if (event.type === 'entityOperationSignaled' || event.type === 'entityOperationCalled') time = event.scheduledTime;
  const due = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(due) ? undefined : due;
}
