export * from './task-hub';
export * from './errors';
