// The URLs the extension hands out: the durableClient binding payload (specs/durable-functions-protocol.md
// §6.1) and the check-status links of `orchestrators/...` and `instances/{id}/restart` (§7); [ext]
// HttpApiHandler.GetInstanceCreationLinks / GetClientResponseLinks.

export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';

/** The JS client substitutes this placeholder in every management URL with a plain string replace (§6.1). */
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';

export interface WebhookSettings {
  taskHubName: string;
  /** The connection name the extension would report (`Storage` for Azure Storage). */
  connectionName: string;
  /** Sent as `code=` when keys are required. */
  systemKey?: string;
}

export interface HttpManagementPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

/** The 202 body of a start or restart: the management links without rewind (§7). */
export type CheckStatusPayload = Omit<HttpManagementPayload, 'rewindPostUri'>;

export interface DurableClientPayload {
  taskHubName: string;
  connectionName: null;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: HttpManagementPayload;
  baseUrl: string;
  requiredQueryStringParameters: string;
  /** Where durable-functions sends every client call; must end with '/' (§6.1). */
  rpcBaseUrl: string;
  httpBaseUrl: null;
}

/** `code=<key>` when keys are required, else ''. */
export function requiredQueryString(settings: WebhookSettings): string {
  return settings.systemKey ? `code=${encodeURIComponent(settings.systemKey)}` : '';
}

function instanceQuery(settings: WebhookSettings): string {
  const code = requiredQueryString(settings);
  const hub = `taskHub=${encodeURIComponent(settings.taskHubName)}&connection=${encodeURIComponent(settings.connectionName)}`;
  return code ? `${hub}&${code}` : hub;
}

/** Management links for one instance on `origin` (e.g. `http://localhost:7071`). */
export function managementUrls(origin: string, settings: WebhookSettings, instanceId: string): HttpManagementPayload {
  const instance = `${origin}${WEBHOOK_PATH}/instances/${encodeURIComponent(instanceId)}`;
  const query = instanceQuery(settings);
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

export function checkStatusPayload(origin: string, settings: WebhookSettings, instanceId: string): CheckStatusPayload {
  const { rewindPostUri: _rewind, ...links } = managementUrls(origin, settings, instanceId);
  return links;
}

/** The `durableClient` input binding value for a function of the app served on `origin`. */
export function durableClientPayload(origin: string, settings: WebhookSettings, rpcBaseUrl: string): DurableClientPayload {
  if (!rpcBaseUrl.endsWith('/')) throw new RangeError(`rpcBaseUrl '${rpcBaseUrl}' must end with '/' (durable-functions resolves relative URLs against it)`);
  const baseUrl = `${origin}${WEBHOOK_PATH}`;
  const code = requiredQueryString(settings);
  const creation = `${baseUrl}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: settings.taskHubName,
    connectionName: null,
    creationUrls: {
      createNewInstancePostUri: code ? `${creation}?${code}` : creation,
      createAndWaitOnNewInstancePostUri: `${creation}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}${code ? `&${code}` : ''}`,
    },
    managementUrls: managementUrls(origin, settings, INSTANCE_ID_PLACEHOLDER),
    baseUrl,
    requiredQueryStringParameters: code,
    rpcBaseUrl,
    httpBaseUrl: null,
  };
}
