export * from './backend';
export * from './errors';
export {
  checkInstanceFilter,
  checkPurgeFilter,
  matchesInstanceFilter,
  type CheckedInstanceFilter,
  type CheckedPurgeFilter,
  type FilteredInstance,
} from './instance-filter';
