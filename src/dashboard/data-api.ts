// The dashboard's data API, version 1, over a TaskHub (not the Durable HTTP API, which has no name filter, no
// counts and a lossy history). Paths are relative to <dashboard>/api/v1/:
//
//   GET    hub                                   hub name, backend, the app's orchestrators
//   GET    orchestrations?<filter>&order&pageSize&continuationToken
//   GET    counts?<filter>                       orchestrations per status
//   POST   purge                                 {<filter>}: purge every finished orchestration that matches
//   POST   orchestrations                        {name, instanceId?, input?}: start
//   GET    orchestrations/{id}                   detail: history, timeline, children, allowed actions
//   GET    orchestrations/{id}/tree              the sub-orchestration tree around it
//   POST   orchestrations/{id}/{action}          raise-event {name, input?}, suspend|resume|terminate|rewind {reason?},
//                                                restart {newInstanceId?}
//   DELETE orchestrations/{id}                   purge one
//   GET    entities?name&prefix&pageSize&continuationToken
//   GET    entities/{id}                        state, lock owner, queued requests
//
// <filter> is name, status (comma-separated), createdFrom, createdTo, prefix, customStatus (list-filter.ts).

import { RUNTIME_STATUSES, TERMINAL_STATUSES, isTerminal, type RuntimeStatus } from '../core';
import type { OrchestrationFilter, TaskHubClient } from '../taskhub';
import { instanceTree } from './instance-tree';
import { entityDetail, entitySummary, instanceDetail, instanceSummary } from './instance-views';
import { pageSize, parseFilter, parseListQuery } from './list-filter';
import { DashboardRequestError, badRequest, notFound } from './request-errors';
import type { ActionResult, EntityDetail, EntityList, HubInfo, InstanceList, StatusCountsView } from './web/api-types';

export interface DataApiContext {
  hub: TaskHubClient & { readonly name: string };
  backend: string;
  orchestrators: () => readonly string[];
}

export interface DataApiRequest {
  method: string;
  /** Decoded path segments below api/v1. */
  segments: string[];
  params: URLSearchParams;
  /** The JSON body, parsed (an object), read on first use. */
  body(): Promise<Record<string, unknown>>;
}

export interface DataApiResponse {
  status: number;
  body: unknown;
}

const ok = (body: unknown): DataApiResponse => ({ status: 200, body });

export async function dispatchDataApi(ctx: DataApiContext, req: DataApiRequest): Promise<DataApiResponse> {
  const response = await route(ctx, req);
  if (response) return response;
  const known = ['hub', 'counts', 'purge', 'orchestrations', 'entities'].includes(req.segments[0] ?? '');
  const path = req.segments.join('/');
  if (known) throw new DashboardRequestError(405, `${req.method} is not supported on ${path}.`);
  throw notFound(`There is no API route '${path}': see docs/dashboard.md for the routes.`);
}

/** The answer for a known route, or undefined. */
async function route(ctx: DataApiContext, req: DataApiRequest): Promise<DataApiResponse | undefined> {
  const { method, params } = req;
  const [collection, id, sub, ...extra] = req.segments;
  if (extra.length > 0) return undefined;
  if (id === undefined && collection === 'hub' && method === 'GET') return ok(hubInfo(ctx));
  if (id === undefined && collection === 'counts' && method === 'GET') return ok(await countOrchestrations(ctx, parseFilter(params)));
  if (id === undefined && collection === 'purge' && method === 'POST') return ok(await purgeMatching(ctx, await req.body()));
  if (collection === 'entities' && sub === undefined && method === 'GET') {
    return ok(id === undefined ? await listEntities(ctx, params) : await entity(ctx, id));
  }
  if (collection !== 'orchestrations') return undefined;
  if (id === undefined) {
    if (method === 'GET') return ok(await listOrchestrations(ctx, params));
    if (method === 'POST') return startOrchestration(ctx, await req.body());
    return undefined;
  }
  if (sub === undefined) {
    if (method === 'GET') return ok(instanceDetail(await mustGet(ctx, id, true)));
    if (method === 'DELETE') return ok(await purgeOne(ctx, id));
    return undefined;
  }
  if (sub === 'tree' && method === 'GET') {
    const tree = await instanceTree(ctx.hub, id);
    if (!tree) throw unknownInstance(id);
    return ok(tree);
  }
  const action = Object.hasOwn(ACTIONS, sub) ? ACTIONS[sub] : undefined;
  if (action && method === 'POST') return ok(await action(ctx, id, await req.body()));
  return undefined;
}

function hubInfo(ctx: DataApiContext): HubInfo {
  return {
    hubName: ctx.hub.name,
    backend: ctx.backend,
    orchestrators: [...ctx.orchestrators()].sort((a, b) => a.localeCompare(b)),
    statuses: [...RUNTIME_STATUSES],
    counts: typeof ctx.hub.countOrchestrations === 'function',
    ordersByCreation: ctx.hub.ordersByCreation !== false,
  };
}

async function listOrchestrations(ctx: DataApiContext, params: URLSearchParams): Promise<InstanceList> {
  const query = parseListQuery(params);
  if (ctx.hub.ordersByCreation === false) {
    // The hub lists in its own order (the Scheduler): an order asked for is refused, never silently ignored.
    if (params.get('order')) throw new DashboardRequestError(501, `This task hub (${ctx.backend}) lists instances in its own order and cannot sort them by creation: remove order=${params.get('order')}.`);
    delete query.descending;
  }
  const page = await ctx.hub.queryOrchestrations(query);
  return { items: page.items.map(instanceSummary), continuationToken: page.continuationToken };
}

async function countOrchestrations(ctx: DataApiContext, filter: OrchestrationFilter): Promise<StatusCountsView> {
  if (!ctx.hub.countOrchestrations) throw new DashboardRequestError(501, 'This task hub cannot count instances; the list still pages through them.');
  const counts = await ctx.hub.countOrchestrations(filter);
  return { counts, total: Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0) };
}

async function mustGet(ctx: DataApiContext, instanceId: string, includeHistory = false) {
  const state = await ctx.hub.getOrchestration(instanceId, { includeHistory });
  if (!state) throw unknownInstance(instanceId);
  return state;
}

function unknownInstance(instanceId: string): DashboardRequestError {
  return notFound(`No orchestration instance '${instanceId}' in this task hub: it may have been purged, or the id is mistyped.`);
}

async function startOrchestration(ctx: DataApiContext, body: Record<string, unknown>): Promise<DataApiResponse> {
  const requested = optionalText(body, 'name');
  if (!requested) throw badRequest('Give the orchestrator name to start.');
  const registered = ctx.orchestrators();
  // Function names are case-insensitive, as on the Functions host; the registered spelling is the one stored.
  const name = registered.length ? registered.find((n) => n.toLowerCase() === requested.toLowerCase()) : requested;
  if (!name) throw badRequest(`'${requested}' is not an orchestrator of this app; choose one of ${registered.join(', ')}.`);
  const instanceId = await ctx.hub.startOrchestration({ name, instanceId: optionalText(body, 'instanceId'), input: jsonText(body, 'input') });
  const result: ActionResult = { message: `Started ${name} as '${instanceId}'.`, instanceId };
  return { status: 201, body: result };
}

type ActionHandler = (ctx: DataApiContext, instanceId: string, body: Record<string, unknown>) => Promise<ActionResult>;

const ACTIONS: Record<string, ActionHandler> = {
  'raise-event': async (ctx, instanceId, body) => {
    const name = optionalText(body, 'name');
    if (!name) throw badRequest('Give the name of the event to raise.');
    await ctx.hub.raiseEvent(instanceId, name, jsonText(body, 'input'));
    return { message: `Raised event '${name}' for '${instanceId}'.`, instanceId };
  },
  suspend: async (ctx, instanceId, body) => {
    await ctx.hub.suspend(instanceId, optionalText(body, 'reason'));
    return { message: `Asked '${instanceId}' to suspend.`, instanceId };
  },
  resume: async (ctx, instanceId, body) => {
    await ctx.hub.resume(instanceId, optionalText(body, 'reason'));
    return { message: `Asked '${instanceId}' to resume.`, instanceId };
  },
  terminate: async (ctx, instanceId, body) => {
    await ctx.hub.terminate(instanceId, optionalText(body, 'reason'));
    return { message: `Asked '${instanceId}' to terminate.`, instanceId };
  },
  rewind: async (ctx, instanceId, body) => {
    await ctx.hub.rewind(instanceId, optionalText(body, 'reason'));
    return { message: `Rewinding '${instanceId}': its failed steps run again.`, instanceId };
  },
  restart: async (ctx, instanceId, body) => {
    const newId = await ctx.hub.restart(instanceId, { newInstanceId: body.newInstanceId === true });
    return { message: newId === instanceId ? `Restarted '${instanceId}' with its original input.` : `Restarted '${instanceId}' as '${newId}'.`, instanceId: newId };
  },
};

async function purgeOne(ctx: DataApiContext, instanceId: string): Promise<ActionResult> {
  // The hub purges only finished instances; an unknown one says so instead of "0 purged".
  const state = await mustGet(ctx, instanceId);
  if (!isTerminal(state.status)) {
    throw new DashboardRequestError(409, `Cannot purge '${instanceId}' while it is ${state.status}: terminate it first, or wait for it to finish.`);
  }
  const purged = await ctx.hub.purge(instanceId);
  return { message: `Purged '${instanceId}' and its history.`, instanceId, purged };
}

async function purgeMatching(ctx: DataApiContext, body: Record<string, unknown>): Promise<ActionResult> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const filter = parseFilter(params);
  const statuses: RuntimeStatus[] = (filter.statuses ?? TERMINAL_STATUSES).filter(isTerminal);
  if (statuses.length === 0) throw badRequest(`Only finished instances can be purged: choose statuses among ${TERMINAL_STATUSES.join(', ')}.`);
  const purged = await ctx.hub.purgeBy({ ...filter, statuses });
  return { message: `Purged ${purged} finished instance${purged === 1 ? '' : 's'}.`, purged };
}

async function listEntities(ctx: DataApiContext, params: URLSearchParams): Promise<EntityList> {
  const name = params.get('name')?.toLowerCase() || undefined;
  const prefix = params.get('prefix') || '';
  if (name?.includes('@')) throw badRequest(`An entity name cannot contain '@', but '${name}' does.`);
  if (prefix && !name) throw badRequest('A key prefix needs the entity name too (keys are per entity name).');
  const query = {
    // Scheduler ids are "@name@key" (entity names lower-cased): a name and a key prefix make one id prefix.
    instanceIdPrefix: name ? `@${name}@${prefix}` : '@',
    includeState: false,
    pageSize: pageSize(params),
    continuationToken: params.get('continuationToken') || undefined,
  };
  const page = await ctx.hub.queryEntities(query);
  return { items: page.items.map(entitySummary), continuationToken: page.continuationToken };
}

async function entity(ctx: DataApiContext, instanceId: string): Promise<EntityDetail> {
  if (!/^@[^@]+@/.test(instanceId)) throw badRequest(`'${instanceId}' is not an entity id: entity ids look like @name@key.`);
  const found = await ctx.hub.getEntity(instanceId);
  if (!found) throw notFound(`No entity '${instanceId}' in this task hub (an entity exists while it has state).`);
  return entityDetail(found);
}

function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`'${field}' must be a string, but is ${JSON.stringify(value)}.`);
  return value;
}

/** A payload given as JSON text: checked, then stored in its compact form. */
function jsonText(body: Record<string, unknown>, field: string): string | undefined {
  const text = optionalText(body, field);
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw badRequest(`'${field}' is not valid JSON (${(error as Error).message}). Strings need quotes, e.g. "hello".`);
  }
}

