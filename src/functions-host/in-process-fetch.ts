// fetch() against an http.Server that does not listen: the request is written as HTTP/1.1 into an in-memory
// connection that the server parses as it would a socket's, so routing, headers and bodies are exactly what a
// network client gets, with no port and nothing for parallel test files to collide on.

import http, { type Server } from 'node:http';
import { Duplex, Readable } from 'node:stream';

/** Statuses whose responses have no body (a web Response refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export async function inProcessFetch(server: Server, origin: string, input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? new Request(input, init) : new Request(new URL(input, origin), init);
  const url = new URL(request.url);
  if (url.origin !== new URL(origin).origin) {
    throw new TypeError(`This fetch reaches only the app at ${origin}, but was asked for ${url.href}.`);
  }
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const headers: Record<string, string> = { host: url.host };
  request.headers.forEach((value, name) => (headers[name] = value));
  if (body) headers['content-length'] = String(body.length);

  const [clientEnd, serverEnd] = connectionPair();
  server.emit('connection', serverEnd);
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const outgoing = http.request({ method: request.method, path: `${url.pathname}${url.search}`, headers, createConnection: () => clientEnd as never });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    request.signal.addEventListener('abort', () => outgoing.destroy(request.signal.reason as Error), { once: true });
    outgoing.end(body);
  });
  const responseHeaders = new Headers();
  for (let i = 0; i < response.rawHeaders.length; i += 2) responseHeaders.append(response.rawHeaders[i], response.rawHeaders[i + 1]);
  const status = response.statusCode ?? 500;
  const responseBody = NULL_BODY_STATUSES.has(status) || request.method === 'HEAD' ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
  if (!responseBody) response.resume();
  return new Response(responseBody, { status, statusText: response.statusMessage, headers: responseHeaders });
}

/** Two connected in-memory streams: what one end writes, the other reads. */
function connectionPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const finished = [false, false];
  /** Ends what `index` reads (once: a second end-of-stream would be an error). */
  const finish = (index: number) => {
    if (finished[index]) return;
    finished[index] = true;
    ends[index].push(null);
  };
  const end = (other: number) =>
    new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        if (!finished[other]) ends[other].push(chunk);
        done();
      },
      final(done) {
        finish(other);
        done();
      },
      destroy(error, done) {
        finish(other);
        done(error);
      },
    });
  ends.push(end(1), end(0));
  return [ends[0], ends[1]];
}
