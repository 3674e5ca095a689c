// The Durable Task Scheduler connection string the Durable extension reads from the app setting that host.json's
// `storageProvider.connectionStringName` names (specs/backends.md B5):
//   Endpoint=<url>;Authentication=<type>;TaskHub=<name>[;ClientID=…][;TenantId=…][;TokenFilePath=…][;AdditionallyAllowedTenants=a,b]
// Keys are case-insensitive, as in .NET's DbConnectionStringBuilder. TLS follows the scheme, the .NET and Java
// rule (B7): `https://` (or no scheme) is TLS, `http://` is plaintext.

import { SchedulerSettingError } from './scheduler-errors';

/** The `Authentication` values the Scheduler SDKs accept (B5), by their canonical spelling. */
export const AUTHENTICATION_MODES = [
  'None',
  'DefaultAzure',
  'ManagedIdentity',
  'WorkloadIdentity',
  'Environment',
  'AzureCLI',
  'AzurePowerShell',
  'VisualStudioCode',
  'InteractiveBrowser',
] as const;

export type AuthenticationMode = (typeof AUTHENTICATION_MODES)[number];

export interface SchedulerConnection {
  /** The endpoint as written (with `https://` added when it had no scheme), for logs and errors. */
  endpoint: string;
  /** `host:port` for gRPC. */
  address: string;
  useTls: boolean;
  authentication: AuthenticationMode;
  /** `TaskHub`, when the connection string names one (Azure app settings usually leave it to host.json). */
  taskHub?: string;
  clientId?: string;
  tenantId?: string;
  tokenFilePath?: string;
  additionallyAllowedTenants?: string[];
}

/** Parses the connection string held by the app setting `settingName` (named in every error). */
export function parseSchedulerConnectionString(text: string | undefined, settingName: string): SchedulerConnection {
  const fail = (problem: string) => new SchedulerSettingError(settingName, problem);
  if (text === undefined || text.trim() === '') {
    throw fail(
      'is not set. Set it to the Scheduler connection string, e.g. "Endpoint=http://localhost:8080;Authentication=None;TaskHub=default" ' +
        'for `durable-runtime emulator`, or "Endpoint=https://<scheduler>.<region>.durabletask.io;Authentication=DefaultAzure;TaskHub=<hub>" for Azure.',
    );
  }
  const values = connectionStringValues(text);
  const endpointText = values.get('endpoint');
  if (!endpointText) throw fail('has no Endpoint. Add "Endpoint=https://<scheduler>.<region>.durabletask.io" (or "Endpoint=http://localhost:8080" for the emulator).');
  const authenticationText = values.get('authentication');
  if (!authenticationText) throw fail(`has no Authentication. Add "Authentication=None" for the emulator, or one of ${AUTHENTICATION_MODES.join(', ')}.`);
  const authentication = AUTHENTICATION_MODES.find((mode) => mode.toLowerCase() === authenticationText.toLowerCase());
  if (!authentication) {
    const hint = authenticationText.toLowerCase() === 'visualstudio' ? ' (Visual Studio sign-in is a .NET credential; use AzureCLI or DefaultAzure from Node)' : '';
    throw fail(`has an unknown Authentication '${authenticationText}'${hint}. Use one of ${AUTHENTICATION_MODES.join(', ')}.`);
  }
  const { endpoint, address, useTls } = parseEndpoint(endpointText, fail);
  if (!useTls && authentication !== 'None') {
    // A bearer token must never travel in clear text; .NET likewise sends credentials only over TLS (B7).
    throw fail(`uses Authentication=${authentication} with the plaintext endpoint ${endpoint}. Tokens are only sent over TLS: use an https:// Endpoint, or Authentication=None for the local emulator.`);
  }
  return {
    endpoint,
    address,
    useTls,
    authentication,
    taskHub: values.get('taskhub') || undefined,
    clientId: values.get('clientid') || undefined,
    tenantId: values.get('tenantid') || undefined,
    tokenFilePath: values.get('tokenfilepath') || undefined,
    additionallyAllowedTenants: values
      .get('additionallyallowedtenants')
      ?.split(',')
      .map((tenant) => tenant.trim())
      .filter(Boolean),
  };
}

/** `key=value` pairs separated by `;`, keys lower-cased; a value may itself contain `=`. */
function connectionStringValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const part of text.split(';')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    values.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  return values;
}

function parseEndpoint(text: string, fail: (problem: string) => Error): { endpoint: string; address: string; useTls: boolean } {
  // No scheme means https, as in .NET and Java (B7).
  const endpoint = text.includes('://') ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw fail(`has an Endpoint that is not a URL: '${text}'. Write it as https://<scheduler>.<region>.durabletask.io or http://localhost:8080.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw fail(`has an Endpoint with the scheme '${url.protocol.slice(0, -1)}': '${text}'. Use https:// (TLS) or http:// (plaintext, the local emulator).`);
  }
  if (!url.hostname) throw fail(`has an Endpoint without a host name: '${text}'.`);
  const useTls = url.protocol === 'https:';
  const port = url.port || (useTls ? '443' : '80');
  return { endpoint: endpoint.replace(/\/+$/, ''), address: `${url.hostname}:${port}`, useTls };
}
