// The Durable Functions HTTP management API and the durableClient binding payload (issue 4).

export { DurableHttpApi, DEFAULT_MAX_BODY_BYTES, type DurableHttpApiOptions } from './durable-http-api';
export {
  durableClientPayload,
  WEBHOOK_PATH,
  INSTANCE_ID_PLACEHOLDER,
  type DurableClientPayload,
  type HttpManagementPayload,
  type CheckStatusPayload,
  type WebhookSettings,
} from './management-urls';
export { HttpApiError } from './errors';
