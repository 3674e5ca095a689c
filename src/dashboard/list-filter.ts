// The list's query string, checked and turned into a task-hub query: every malformed value gets a 400 that
// names the parameter and the form it takes.

import { RUNTIME_STATUSES, isRuntimeStatus, parseIsoDateTime, type RuntimeStatus } from '../core';
import type { OrchestrationFilter, OrchestrationQuery } from '../taskhub';
import { badRequest } from './request-errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** name, status (comma-separated or repeated), createdFrom, createdTo, prefix, customStatus. */
export function parseFilter(params: URLSearchParams): OrchestrationFilter {
  const filter: OrchestrationFilter = {};
  const name = text(params, 'name');
  if (name !== undefined) filter.name = name;
  const prefix = text(params, 'prefix');
  if (prefix !== undefined) filter.instanceIdPrefix = prefix;
  const customStatus = text(params, 'customStatus');
  if (customStatus !== undefined) filter.customStatusContains = customStatus;
  const statuses = params.getAll('status').flatMap((value) => value.split(',')).map((s) => s.trim()).filter(Boolean);
  if (statuses.length) filter.statuses = statuses.map(runtimeStatus);
  const createdFrom = time(params, 'createdFrom');
  const createdTo = time(params, 'createdTo');
  if (createdFrom !== undefined) filter.createdFrom = createdFrom;
  if (createdTo !== undefined) filter.createdTo = createdTo;
  if (createdFrom !== undefined && createdTo !== undefined && createdFrom > createdTo) {
    throw badRequest(`createdFrom (${createdFrom}) is after createdTo (${createdTo}): swap them or clear one.`);
  }
  return filter;
}

/** The filter plus order (newest first unless order=asc), pageSize and continuationToken. */
export function parseListQuery(params: URLSearchParams): OrchestrationQuery {
  const order = text(params, 'order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw badRequest(`order must be asc (oldest first) or desc (newest first), but is '${order}'.`);
  const query: OrchestrationQuery = { ...parseFilter(params), descending: order === 'desc', pageSize: pageSize(params) };
  const token = text(params, 'continuationToken');
  if (token !== undefined) query.continuationToken = token;
  return query;
}

export function pageSize(params: URLSearchParams): number {
  const value = text(params, 'pageSize');
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const size = Number(value);
  if (!/^\d+$/.test(value) || size < 1 || size > MAX_PAGE_SIZE) throw badRequest(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, but is '${value}'.`);
  return size;
}

export function runtimeStatus(value: string): RuntimeStatus {
  const match = RUNTIME_STATUSES.find((status) => status.toLowerCase() === value.toLowerCase());
  if (!match || !isRuntimeStatus(match)) throw badRequest(`Unknown status '${value}': use one of ${RUNTIME_STATUSES.join(', ')}.`);
  return match;
}

function text(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

/** An ISO-8601 time, returned in the canonical UTC form. */
function time(params: URLSearchParams, name: string): string | undefined {
  const value = text(params, name);
  if (value === undefined) return undefined;
  const time = parseIsoDateTime(value);
  if (time === undefined) throw badRequest(`${name} '${value}' is not a time: use ISO-8601, e.g. 2024-05-01T12:00:00Z.`);
  return time;
}
