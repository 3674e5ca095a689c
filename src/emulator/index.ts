export { SchedulerEmulator, type SchedulerEmulatorOptions } from './scheduler-emulator';
export { DEFAULT_TASK_HUB } from './task-hubs';
export { HEALTH_PING_INTERVAL_MS, DEFAULT_CONCURRENCY } from './work-item-streams';
export { MAX_SCHEDULER_INSTANCE_ID_LENGTH } from './client-rpcs';
