// env.client's transport. env.client is durable-functions' own DurableClient, built from the binding payload the
// app's functions get, so every result and every error is the library's. Only the hop is different: its requests
// to the RPC endpoint are answered in-process by the durable HTTP API's same routes (DurableHttpApi.answerRpc)
// instead of travelling over loopback HTTP to this very process, which took about a fifth of the CPU time of
// HelloCities5 (docs/benchmarks.md). Clients inside the app (durableClient input bindings) keep real HTTP, as on Azure.

import { createRequire } from 'node:module';
import type { IncomingHttpHeaders } from 'node:http';
import type * as df from 'durable-functions';
import type { DurableHttpApi } from '../http-api';

export type AnswerRpc = DurableHttpApi['answerRpc'];

/** The part of an axios request config an adapter reads (durable-functions' own axios, whose types we do not import). */
interface AxiosRequestConfigLike {
  method?: string;
  url?: string;
  baseURL?: string;
  params?: unknown;
  data?: unknown;
  headers?: { toJSON(): Record<string, string | string[] | number | boolean | null> };
  signal?: AbortSignal;
  validateStatus?: ((status: number) => boolean) | null;
}

interface AxiosInstanceLike {
  defaults: { adapter?: unknown };
  getUri(config: AxiosRequestConfigLike): string;
}

interface AxiosErrorClass {
  new (message: string, code: string, config: unknown, request: unknown, response: unknown): Error;
  ERR_BAD_REQUEST: string;
  ERR_BAD_RESPONSE: string;
}

/**
 * Points `client`'s HTTP calls (durable-functions' axios instance) at `answer` instead of the network. `appDir` is
 * where the app's durable-functions (and with it its axios) is resolved from.
 */
export function answerInProcess(client: df.DurableClient, answer: AnswerRpc, appDir: string): void {
  const axiosInstance = (client as unknown as { axiosInstance?: AxiosInstanceLike }).axiosInstance;
  if (!axiosInstance?.defaults || typeof axiosInstance.getUri !== 'function') {
    throw new Error('This durable-functions version keeps no axios instance on its DurableClient; the test environment cannot call its HTTP API in-process.');
  }
  // What durable-functions' own axios adapter rejects with, from that same axios.
  const fromDurableFunctions = createRequire(require.resolve('durable-functions', { paths: [appDir] }));
  const AxiosError = (fromDurableFunctions('axios') as { AxiosError: AxiosErrorClass }).AxiosError;
  axiosInstance.defaults.adapter = async (config: AxiosRequestConfigLike) => {
    const body = requestBody(config.data);
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(config.headers?.toJSON() ?? {})) {
      if (value !== null && value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (body) headers['content-length'] = String(Buffer.byteLength(body, 'utf8'));
    // The config reaching an adapter is merged already: getUri would merge it again (a tenth of the client's cost).
    // durable-functions sends absolute URLs without params, which are the URL as is; anything else asks axios.
    const url = !config.baseURL && !config.params && typeof config.url === 'string' ? config.url : axiosInstance.getUri(config);
    const answered = await answer({ method: (config.method ?? 'get').toUpperCase(), url, headers, body, signal: config.signal });
    const response = { data: answered.body, status: answered.status, statusText: '', headers: answered.headers, config, request: { url } };
    // As axios' own `settle`: a status the config does not accept rejects (durable-functions accepts all below 600).
    if (!config.validateStatus || config.validateStatus(response.status)) return response;
    const code = response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
    throw new AxiosError(`Request failed with status code ${response.status}`, code, config, response.request, response);
  };
}

function requestBody(data: unknown): string {
  if (data === undefined || data === null) return '';
  if (typeof data === 'string') return data;
  throw new TypeError(`The in-process durable client sends text bodies only (durable-functions serializes its own), but was given ${typeof data}.`);
}
