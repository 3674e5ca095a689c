export { LocalTaskHub, type LocalTaskHubOptions } from './local-task-hub';
export { WorkItemNotHeldError } from './errors';
