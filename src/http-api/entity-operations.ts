// entities/{name}/{key}: GET reads the state, POST signals `op`, DELETE signals "delete"; GET entities/{name}
// lists (specs/durable-functions-protocol.md §7; [ext] HttpApiHandler entity handlers). Names are not
// lower-cased in URLs; the scheduler id is (§4.1, §9.9).

import { entityKeyProblem, parseSchedulerId, toSchedulerId } from '../core';
import type { ApiContext } from './api-context';
import { isJsonContentType, jsonInput, type ApiRequest } from './api-request';
import { errorBody, type ApiResponse } from './api-response';
import { CONTINUATION_HEADER, decodeContinuationToken, encodeContinuationToken } from './continuation-token';
import { badRequest } from './errors';
import { DEFAULT_PAGE_SIZE } from './instance-status';
import { parseStoredJson } from './stored-json';

/** The key `$` stands for the empty key in reads. */
const EMPTY_KEY_SYMBOL = '$';

export async function readEntity(ctx: ApiContext, name: string, key: string): Promise<ApiResponse> {
  const entityId = { name, key: key === EMPTY_KEY_SYMBOL ? '' : key };
  const entity = await ctx.hub.getEntity(toSchedulerId(entityId));
  if (entity?.state === undefined) {
    return { status: 404, body: errorBody(`Entity '${name}' with key '${entityId.key}' does not exist (it has no state).`) };
  }
  return { status: 200, rawJson: entity.state };
}

/** Query `lastOperationTimeFrom`/`To`, `top`, `fetchState`; pages by continuation header. */
export async function listEntities(ctx: ApiContext, req: ApiRequest, name: string): Promise<ApiResponse> {
  const fetchState = req.query.boolean('fetchState', false);
  const page = await ctx.hub.queryEntities({
    instanceIdPrefix: name === '' ? '@' : `@${name.toLowerCase()}@`,
    lastModifiedFrom: req.query.date('lastOperationTimeFrom'),
    lastModifiedTo: req.query.date('lastOperationTimeTo'),
    includeState: fetchState,
    pageSize: req.query.pageSize('top') ?? DEFAULT_PAGE_SIZE,
    continuationToken: decodeContinuationToken(req.headers[CONTINUATION_HEADER]),
  });
  // The extension's DurableEntityStatus: {entityId: {name, key}, lastOperationTime, state}.
  const body = page.items.map((entity) => ({
    entityId: parseSchedulerId(entity.instanceId),
    lastOperationTime: entity.lastModifiedAt,
    state: fetchState ? parseStoredJson(entity.state) : null,
  }));
  return { status: 200, headers: { [CONTINUATION_HEADER]: encodeContinuationToken(page.continuationToken) }, body };
}

/** The body is JSON with `Content-Type: application/json`, otherwise a raw string; empty means no input. */
export async function signalEntity(ctx: ApiContext, req: ApiRequest, name: string, key: string): Promise<ApiResponse> {
  if (name === '') throw badRequest('The entity name is missing; use entities/{entityName}/{entityKey}.');
  if (ctx.entityExists && !ctx.entityExists(name)) {
    throw badRequest(`The function '${name}' doesn't exist, is disabled, or is not an entity function; check the name against the app's entities.`);
  }
  const keyProblem = entityKeyProblem(key);
  if (keyProblem) throw badRequest(keyProblem);
  const operation = req.method === 'DELETE' ? 'delete' : (req.query.string('op') ?? '');

  const body = await req.body();
  let input: string | undefined;
  if (body.length > 0) {
    if (isJsonContentType(req.headers['content-type'])) {
      input = jsonInput(body, (reason) => `Could not parse JSON content: ${reason}`);
    } else {
      input = JSON.stringify(body);
    }
  }
  await ctx.hub.signalEntity(toSchedulerId({ name, key }), operation, input);
  return { status: 202 };
}
