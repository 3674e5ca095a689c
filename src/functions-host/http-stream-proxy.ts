// HTTP streaming mode (app.setup({ enableHttpStream: true })): the library serves the request itself on its own
// proxy server (`HttpUri` from getCapabilities). The host forwards the raw request there, tagged with the invocation
// id, invokes the function in parallel and pipes the proxy's response back (specs/functions-host.md §10, option a).

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { FunctionApp } from './function-app';
import { httpBindingData } from './http-binding-data';
import { HOP_BY_HOP_HEADERS, requestHeaders, requestQuery } from './http-messages';
import type { RouteMatch } from './route-table';

export interface StreamingInvocation {
  app: FunctionApp;
  match: RouteMatch;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  invocationId: string;
  agent: http.Agent;
  /** The body, when the host read it for binding data; otherwise the request streams through. */
  body?: Buffer;
}

/** Resolves when the client's response is complete; rejects with the invocation's error if nothing was sent yet. */
export function invokeStreaming({ app, match, req, res, url, invocationId, agent, body }: StreamingInvocation): Promise<void> {
  const { fn } = match.route;
  // The library reads headers and params from trigger metadata, not from the proxied request; params are every
  // string-valued key of the binding data, so query and body values reach request.params as on the host (§10).
  const triggerMetadata = {
    ...Object.fromEntries(Object.entries(httpBindingData(url, match.params, body)).map(([name, value]) => [name, { string: value }])),
    Headers: { json: JSON.stringify(requestHeaders(req)) },
    Query: { json: JSON.stringify(requestQuery(url)) },
  };

  const proxyUrl = new URL(`${url.pathname}${url.search}`, app.capabilities.HttpUri);
  const headers: http.OutgoingHttpHeaders = {
    'x-ms-invocation-id': invocationId,
    'x-forwarded-host': req.headers.host ?? url.host,
    'x-forwarded-proto': 'http',
  };
  if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
  else if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = req.headers['transfer-encoding'];

  return new Promise<void>((resolve, reject) => {
    let responseStarted = false;
    const proxyReq = http.request(proxyUrl, { method: req.method, headers, agent });
    proxyReq.on('response', (proxyRes) => {
      responseStarted = true;
      for (const [name, value] of Object.entries(proxyRes.headers)) {
        // Node frames the client response itself (chunked unless a length is known).
        if (value !== undefined && name !== 'x-ms-invocation-id' && (name === 'content-length' || !HOP_BY_HOP_HEADERS.has(name))) res.setHeader(name, value);
      }
      res.writeHead(proxyRes.statusCode ?? 200);
      proxyRes.pipe(res);
      proxyRes.on('error', () => res.destroy());
    });
    proxyReq.on('error', () => {
      // The invocation's outcome decides what the client sees; a failed proxy socket alone is not an answer.
    });
    if (body) proxyReq.end(body);
    else req.pipe(proxyReq);
    res.on('close', () => {
      if (!res.writableFinished) proxyReq.destroy();
      resolve();
    });

    app
      .invokeRpc(fn.name, {
        inputData: [{ name: fn.triggerBindingName, data: { http: { method: req.method ?? 'GET', url: url.href } } }],
        triggerMetadata,
        invocationId,
      })
      .then(
        ({ returnedNothing }) => {
          // Nothing returned: the library sends nothing through the proxy, and the host answers 200 (§8).
          if (returnedNothing && !responseStarted) {
            proxyReq.destroy();
            res.writeHead(200, { 'content-length': '0' }).end();
          }
          // Otherwise the library has written the whole response to the proxy; it arrives through 'response'.
        },
        (error: unknown) => {
          proxyReq.destroy();
          if (responseStarted) res.destroy();
          else reject(error);
        },
      );
  });
}
