// The Durable Functions HTTP management API over a TaskHub: the public webhook routes under
// /runtime/webhooks/durabletask (key-checked with --require-keys), the same routes on the local RPC
// listener, and the `durableClient` binding payload that points durable-functions at them.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger, systemClock, type Clock, type Logger } from '../core';
import type { TaskHubClient } from '../taskhub';
import type { ApiContext } from './api-context';
import { bodyTooLarge, pathBelow, pathSegments, readBody, splitTarget, type ApiRequest } from './api-request';
import { errorBody, errorResponse, isLoggedRefusal, JSON_CONTENT_TYPE, responseJson, writeResponse, type ApiResponse } from './api-response';
import { presentsKey } from './function-keys';
import { durableClientPayload, WEBHOOK_PATH, type DurableClientPayload } from './management-urls';
import { QueryParameters } from './query-parameters';
import { dispatch } from './routes';
import { RPC_BASE_PATH, startRpcListener, type RpcListener } from './rpc-listener';

/** The Functions host's default request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 100 MB). */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface DurableHttpApiOptions {
  taskHub: TaskHubClient & { readonly name: string };
  /** Where the app is served, e.g. `http://localhost:7071`; the origin of every link handed out. */
  origin: string;
  /** The connection name shown in links (`connection=`); default `Storage`, as the extension says for Azure Storage. */
  connectionName?: string;
  /** Case-insensitive check against the app's orchestrators; unknown names are refused with 400. */
  orchestratorExists?: (name: string) => boolean;
  /** Case-insensitive check against the app's entities; signals to unknown entities are refused with 400. */
  entityExists?: (name: string) => boolean;
  /** Webhook routes then require `systemKey` as `code=` or `x-functions-key`; the RPC listener never does. */
  requireKeys?: boolean;
  systemKey?: string;
  maxBodyBytes?: number;
  /** The RPC listener's port on 127.0.0.1; default 0 (chosen by the OS). */
  rpcPort?: number;
  clock?: Clock;
  logger?: Logger;
}

export class DurableHttpApi {
  private readonly ctx: ApiContext;
  private readonly origin: string;
  private readonly logger: Logger;
  private readonly maxBodyBytes: number;
  private rpc?: RpcListener;

  constructor(private readonly options: DurableHttpApiOptions) {
    if (options.requireKeys && !options.systemKey) {
      throw new Error('DurableHttpApi: requireKeys is set but no systemKey was given; pass the system key the host generated for the app.');
    }
    this.origin = new URL(options.origin).origin;
    this.logger = options.logger ?? silentLogger;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.ctx = {
      hub: options.taskHub,
      webhook: {
        taskHubName: options.taskHub.name,
        connectionName: options.connectionName ?? 'Storage',
        systemKey: options.requireKeys ? options.systemKey : undefined,
      },
      orchestratorExists: options.orchestratorExists,
      entityExists: options.entityExists,
      clock: options.clock ?? systemClock,
    };
  }

  /** Starts the RPC listener; `clientPayload()` needs it. */
  async start(): Promise<void> {
    if (this.rpc) return;
    this.rpc = await startRpcListener((req, res) => this.handleRpc(req, res), this.options.rpcPort);
    this.logger.info(`Durable Functions HTTP API: ${this.origin}${WEBHOOK_PATH}/ (local RPC endpoint ${this.rpc.baseUrl})`);
  }

  async stop(): Promise<void> {
    const rpc = this.rpc;
    this.rpc = undefined;
    await rpc?.close();
  }

  get rpcBaseUrl(): string | undefined {
    return this.rpc?.baseUrl;
  }

  /** The `durableClient` input binding value (specs/durable-functions-protocol.md §6.1). */
  clientPayload(): DurableClientPayload {
    if (!this.rpc) throw new Error('DurableHttpApi: call start() before asking for the durableClient payload (it carries the RPC endpoint).');
    return durableClientPayload(this.origin, this.ctx.webhook, this.rpc.baseUrl);
  }

  /** Serves a request under /runtime/webhooks/durabletask; returns false, untouched, for any other path. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { path, rawQuery } = splitTarget(req.url ?? '/');
    const rest = pathBelow(path, WEBHOOK_PATH);
    if (rest === undefined) return false;
    const requestOrigin = originOf(req) ?? this.origin;
    await this.serve(req, res, { rest, rawQuery, requestOrigin, linkOrigin: requestOrigin, checkKeys: true });
    return true;
  }

  private async handleRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, rawQuery } = splitTarget(req.url ?? '/');
    const rest = pathBelow(path, RPC_BASE_PATH);
    const requestOrigin = this.rpc?.origin ?? this.origin;
    if (rest === undefined) {
      writeResponse(res, { status: 404, body: errorBody(`The local RPC endpoint serves only ${RPC_BASE_PATH}...`) });
      return;
    }
    await this.serve(req, res, { rest, rawQuery, requestOrigin, linkOrigin: this.origin, checkKeys: false });
  }

  /**
   * Answers one request to the local RPC endpoint without a socket, exactly as the listener would: for a client in
   * this process (the test environment's `env.client`), which would otherwise pay for HTTP to itself. `url` is an
   * absolute URL under `rpcBaseUrl`; `headers` are lower-case, as Node hands them to a server.
   */
  async answerRpc(request: { method: string; url: string; headers: IncomingHttpHeaders; body: string; signal?: AbortSignal }): Promise<RpcAnswer> {
    const { path, rawQuery } = splitTarget(request.url);
    const rest = pathBelow(path, RPC_BASE_PATH);
    if (!this.rpc || !request.url.startsWith(this.rpc.baseUrl) || rest === undefined) {
      throw new RangeError(`The in-process RPC call reaches only ${this.rpc?.baseUrl ?? 'the started RPC endpoint'}, but was asked for ${request.url}.`);
    }
    const maxBytes = this.maxBodyBytes;
    const body = Buffer.byteLength(request.body, 'utf8') > maxBytes ? Promise.reject(bodyTooLarge(maxBytes)) : Promise.resolve(request.body);
    body.catch(() => undefined);
    const response = await this.answer(request.method, request.url, request.headers, () => body, request.signal ?? new AbortController().signal, {
      rest,
      rawQuery,
      requestOrigin: this.rpc.origin,
      linkOrigin: this.origin,
      checkKeys: false,
    });
    const json = responseJson(response);
    const headers: Record<string, string> = { ...response.headers };
    if (json !== undefined) headers['content-type'] = JSON_CONTENT_TYPE;
    return { status: response.status, headers, body: json ?? '' };
  }

  private async serve(req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
    const callerGone = new AbortController();
    res.once('close', () => callerGone.abort());
    let body: Promise<string> | undefined;
    const read = () => (body ??= readBody(req, this.maxBodyBytes));
    writeResponse(res, await this.answer(req.method ?? 'GET', req.url ?? '/', req.headers, read, callerGone.signal, target));
  }

  private async answer(
    rawMethod: string,
    rawUrl: string,
    headers: IncomingHttpHeaders,
    body: () => Promise<string>,
    signal: AbortSignal,
    target: Target,
  ): Promise<ApiResponse> {
    const method = rawMethod.toUpperCase();
    let response: ApiResponse;
    let segments: string[] = [];
    try {
      const query = new QueryParameters(target.rawQuery);
      if (target.checkKeys && this.ctx.webhook.systemKey && !presentsKey(this.ctx.webhook.systemKey, query, headers)) {
        response = {
          status: 401,
          body: errorBody('This route requires the system key: pass it as code=<key> or in the x-functions-key header (the CLI prints it at start-up).'),
        };
      } else {
        segments = pathSegments(target.rest);
        const request: ApiRequest = {
          method,
          segments,
          query,
          headers,
          url: /^https?:\/\//i.test(rawUrl) ? rawUrl : `${target.requestOrigin}${rawUrl}`,
          linkOrigin: target.linkOrigin,
          signal,
          body,
        };
        response = await dispatch(this.ctx, request);
      }
    } catch (error) {
      response = errorResponse(error);
      if (response.status >= 500 && !isLoggedRefusal(error)) this.logger.error(`Durable HTTP API: ${method} ${segments.join('/')} failed: ${(error as Error)?.stack ?? error}`);
    }
    // The query is never logged: it may carry the system key.
    this.logger.debug(`Durable HTTP API: ${method} ${segments.join('/')} -> ${response.status}`);
    return response;
  }
}

interface Target {
  rest: string;
  rawQuery: string;
  requestOrigin: string;
  linkOrigin: string;
  checkKeys: boolean;
}

/** What `answerRpc` gives back: the status, headers and body text the listener would have sent. */
export interface RpcAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The origin the caller used (its Host header), for links and Location headers; undefined when the header is unusable. */
function originOf(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (!host || !/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) return undefined;
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${secure ? 'https' : 'http'}://${host}`;
}
