// The Durable Functions HTTP management API and the durableClient binding payload (issue 4).

export { DurableHttpApi, type DurableHttpApiOptions } from './durable-http-api';
export type { DurableClientPayload } from './management-urls';
