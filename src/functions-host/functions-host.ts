// Serves a loaded app over HTTP the way `func start` does (specs/functions-host.md §9, §10): function routes under
// the route prefix, the admin endpoints, CORS, optional function keys, timer triggers, host extensions (the durable
// layers plug in here), a start-up listing and a graceful stop.

import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import { silentLogger, systemClock, type Clock, type Logger } from '../core';
import { handleAdminRequest, type HostState } from './admin-api';
import { applyCors, type CorsPolicy } from './cors';
import { PortInUseError } from './errors';
import type { FunctionApp } from './function-app';
import { isAuthorized, loadOrCreateFunctionKeys, presentedKey, type FunctionKeys, type KeyLevel } from './function-keys';
import { formatFunctionListing } from './function-listing';
import { readBody, RequestTooLargeError, toRpcHttpRequest, writeRpcHttpResponse } from './http-messages';
import { invokeStreaming } from './http-stream-proxy';
import { inProcessFetch } from './in-process-fetch';
import { nativeEnv } from './native-runtime';
import { buildRouteTable, type RouteMatch, type RouteTable } from './route-table';
import { TimerScheduler, timerFunctionsOf } from './timer-scheduler';
import type { RpcInvocationResponse, RpcHttpData } from './core-api-types';

export interface HostExtension {
  readonly name: string;
  /** Trigger types this extension serves: the host lists those functions as served. */
  readonly triggerTypes: readonly string[];
  /** With --require-keys, the host keeps a system key of this name (e.g. 'durabletask_extension') and passes it to start(). */
  readonly systemKeyName?: string;
  /** Handles requests before function routes (e.g. /runtime/webhooks/durabletask/...). Resolve true when handled. */
  handleHttp?(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  start?(host: { app: FunctionApp; baseUrl: string; port: number; systemKey?: string }): Promise<void>;
  /** Drain on shutdown (called after in-flight HTTP requests finished, before appTerminate hooks). */
  stop?(): Promise<void>;
}

export interface FunctionsHostOptions {
  app: FunctionApp;
  /** The port listened on, and the one in the URLs the host hands out. */
  port: number;
  /** False serves requests only through `fetch()`, in-process, without opening the port (createTestEnvironment). */
  listen?: boolean;
  /** Enforce authLevel with function keys (func bypasses auth locally; this is `func start --enableAuth`). */
  requireKeys?: boolean;
  extensions?: HostExtension[];
  logger?: Logger;
  clock?: Clock;
}

/** Trigger types this host serves itself. */
const HOST_TRIGGER_TYPES = ['httptrigger', 'timertrigger'];

export class FunctionsHost {
  readonly baseUrl: string;
  readonly #app: FunctionApp;
  readonly #port: number;
  readonly #extensions: HostExtension[];
  readonly #logger: Logger;
  readonly #timers: TimerScheduler;
  readonly #cors: CorsPolicy;
  readonly #activeResponses = new Set<ServerResponse>();
  readonly #streamAgent = new http.Agent({ keepAlive: true });
  readonly #hostId = `${os.hostname().toLowerCase().replace(/[^a-z0-9-]/g, '')}-durable-runtime`.slice(0, 32);
  #state: HostState = 'Default';
  #routes?: RouteTable;
  #server?: http.Server;
  #keys?: FunctionKeys;
  #stopping?: Promise<void>;
  #onResponsesDone?: () => void;
  /** Settles when start() has started the extensions; requests that arrive earlier wait for it. */
  #started?: Promise<void>;

  constructor(private readonly options: FunctionsHostOptions) {
    this.#app = options.app;
    this.#port = options.port;
    this.#extensions = options.extensions ?? [];
    this.#logger = options.logger ?? silentLogger;
    this.#timers = new TimerScheduler(this.#app, this.#logger, options.clock ?? systemClock);
    this.#cors = { origins: this.#app.settings.host.cors, credentials: this.#app.settings.host.corsCredentials };
    this.baseUrl = `http://localhost:${this.#port}`;
  }

  get state(): HostState {
    return this.#state;
  }

  /** The function keys in force with `requireKeys` (undefined otherwise). */
  get keys(): FunctionKeys | undefined {
    return this.#keys;
  }

  /**
   * Sends a request through the host's own routing (admin, extensions' routes, HTTP functions) without the network:
   * a path is taken relative to `baseUrl`; absolute URLs must be on `baseUrl`'s origin.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    if (!this.#server) return Promise.reject(new Error('The host is not started: call start() before fetch().'));
    return inProcessFetch(this.#server, this.baseUrl, input, init);
  }

  /** Validates routes and schedules, listens, starts extensions and timers, prints the listing. */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    this.#state = 'Starting';
    const routes = buildRouteTable(this.#app.functions, this.#app.hostConfig.routePrefix);
    this.#routes = routes;
    const timers = timerFunctionsOf(this.#app.functions, nativeEnv);
    if (this.options.requireKeys) {
      const systemKeyNames = this.#extensions.flatMap((e) => (e.systemKeyName ? [e.systemKeyName] : []));
      const { keys, file, created } = await loadOrCreateFunctionKeys(this.#app.appDir, systemKeyNames);
      this.#keys = keys;
      this.#logger.info(`Function keys ${created ? 'created in' : 'read from'} ${file} (keep this file out of source control).`);
      this.#logger.info(`Master key: ${keys.masterKey}`);
      for (const [name, key] of Object.entries(keys.functionKeys)) this.#logger.info(`Function key (${name}): ${key}`);
      for (const [name, key] of Object.entries(keys.systemKeys)) this.#logger.info(`System key (${name}): ${key}`);
    }

    const server = http.createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    if (this.options.listen !== false) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(this.#port) : error));
        server.listen(this.#port, () => resolve());
      });
    }

    for (const extension of this.#extensions) {
      const systemKey = extension.systemKeyName ? this.#keys?.systemKeys[extension.systemKeyName] : undefined;
      await extension.start?.({ app: this.#app, baseUrl: this.baseUrl, port: this.#port, systemKey });
    }
    this.#timers.start(timers);
    const served = new Set([...HOST_TRIGGER_TYPES, ...this.#extensions.flatMap((e) => e.triggerTypes.map((t) => t.toLowerCase()))]);
    this.#logger.info(formatFunctionListing(this.#app, routes, this.baseUrl, served));
    this.#state = 'Running';
    this.#logger.info(this.options.listen === false ? `Host started in-process (no port; links use ${this.baseUrl})` : `Host started on ${this.baseUrl}`);
  }

  /**
   * Stops gracefully: new function requests get 503 while in-flight requests and invocations finish, then extensions
   * drain, appTerminate hooks run, and the server closes. Extension routes keep working meanwhile, because an
   * in-flight function may still call them (durable clients call back over HTTP).
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#state = 'Stopping';
      this.#timers.stop();
      await this.#responsesDone();
      await this.#app.drain();
      for (const extension of [...this.#extensions].reverse()) {
        try {
          await extension.stop?.();
        } catch (error) {
          this.#logger.error(`Extension '${extension.name}' failed to stop: ${(error as Error)?.stack ?? String(error)}`);
        }
      }
      await this.#app.drain();
      await this.#app.terminate();
      await this.#closeServer();
      this.#streamAgent.destroy();
      this.#state = 'Stopped';
    })();
    return this.#stopping;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#activeResponses.add(res);
    res.on('close', () => {
      this.#activeResponses.delete(res);
      if (this.#activeResponses.size === 0) this.#onResponsesDone?.();
    });
    try {
      const url = requestUrl(req, this.#port);
      if (applyCors(req, res, this.#cors)) return;
      if (/^\/admin(\/|$)/i.test(url.pathname)) {
        // Liveness stays open; everything else under /admin needs the master key (when keys are required).
        const level: KeyLevel = /^\/admin\/host\/ping\/?$/i.test(url.pathname) ? 'anonymous' : 'admin';
        if (!this.#authorized(level, req, url)) return end(res, 401);
        return await handleAdminRequest(
          {
            app: this.#app,
            routes: this.#routes!,
            baseUrl: this.baseUrl,
            hostId: this.#hostId,
            state: () => this.#state,
            invokeInBackground: (name, input) => void this.#invokeFromAdmin(name, input),
          },
          req,
          res,
          url,
        );
      }
      // The server listens before extensions start (they need its URL); their routes and bindings wait for them.
      if (this.#state === 'Starting') await this.#started!.catch(() => undefined);
      for (const extension of this.#extensions) {
        if (extension.handleHttp && (await extension.handleHttp(req, res))) return;
      }
      const match = this.#routes?.match(req.method ?? 'GET', url.pathname);
      if (!match) return end(res, 404);
      if (this.#state === 'Stopping' || this.#state === 'Stopped') return end(res, 503);
      if (!this.#authorized(match.route.authLevel, req, url)) return end(res, 401);
      await this.#invokeHttp(match, req, res, url);
    } catch (error) {
      this.#logger.error(`Request ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) end(res, error instanceof RequestTooLargeError ? 413 : 500);
      else res.destroy();
    }
  }

  async #invokeHttp(match: RouteMatch, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { fn } = match.route;
    const invocationId = randomUUID();
    try {
      if (this.#app.capabilities.HttpUri) {
        await invokeStreaming({ app: this.#app, match, req, res, url, invocationId, agent: this.#streamAgent });
        return;
      }
      const body = await readBody(req);
      const request = toRpcHttpRequest(req, url, match.params, body);
      const { response } = await this.#app.invokeRpc(fn.name, { inputData: [{ name: fn.triggerBindingName, data: { http: request } }], invocationId });
      writeRpcHttpResponse(res, httpResult(fn.bindings, response), req.method === 'HEAD');
    } catch (error) {
      if (error instanceof RequestTooLargeError) throw error;
      // invokeRpc logged the failure with the invocation id; the client gets a bare 500, as from the Functions host.
      if (!res.headersSent) end(res, 500);
      else res.destroy();
    }
  }

  async #invokeFromAdmin(name: string, input: string): Promise<void> {
    const fn = this.#app.getFunction(name);
    if (!fn) return;
    try {
      await this.#app.invokeRpc(fn.name, { inputData: [{ name: fn.triggerBindingName, data: { string: input } }] });
    } catch {
      // Logged by invokeRpc with the invocation id.
    }
  }

  #authorized(level: KeyLevel, req: IncomingMessage, url: URL): boolean {
    if (!this.#keys) return true; // func authorizes everything locally (§9 "Auth")
    return isAuthorized(level, presentedKey(url, req.headers), this.#keys);
  }

  #responsesDone(): Promise<void> {
    if (this.#activeResponses.size === 0) return Promise.resolve();
    this.#logger.info(`Waiting for ${this.#activeResponses.size} request(s) to finish...`);
    return new Promise((resolve) => (this.#onResponsesDone = resolve));
  }

  #closeServer(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

function requestUrl(req: IncomingMessage, port: number): URL {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? `localhost:${port}`}`);
  } catch {
    return new URL(req.url ?? '/', `http://localhost:${port}`);
  }
}

/** The HTTP output: the `$return` binding by default, or whichever `out` binding has type http (§8). */
function httpResult(bindings: Record<string, { type: string; direction: string }>, response: RpcInvocationResponse): RpcHttpData | undefined {
  const [name] = Object.entries(bindings).find(([, b]) => b.direction === 'out' && b.type.toLowerCase() === 'http') ?? [];
  if (name === undefined || name === '$return') return response.returnValue?.http ?? undefined;
  return response.outputData?.find((output) => output.name === name)?.data?.http ?? undefined;
}

function end(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': '0' }).end();
}
