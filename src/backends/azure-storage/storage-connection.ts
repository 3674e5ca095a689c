// Resolves a storage connection the way the Functions host does: the setting named by the connection
// (default `AzureWebJobsStorage`) holds a connection string — `UseDevelopmentStorage=true` means Azurite — or
// settings with the `<connection>__` prefix describe an identity-based connection
// (specs/azure-deployment.md §3.1–3.2).

import { DurableRuntimeError } from '../../core';
import type { TokenCredential } from '@azure/core-auth';
import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';

export type AppSettings = Readonly<Record<string, string | undefined>>;

export const DEFAULT_CONNECTION_NAME = 'AzureWebJobsStorage';

/** The well-known Azurite account (public, documented by Azurite; not a secret). */
export const DEVELOPMENT_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
} as const;

export const DEVELOPMENT_PORTS = { blob: 10000, queue: 10001, table: 10002 } as const;

export interface ServiceEndpoints {
  blob: string;
  queue: string;
  table: string;
}

export type StorageConnection =
  | {
      kind: 'connectionString';
      /** Always with explicit endpoints, so each SDK reads it the same way. */
      connectionString: string;
      accountName: string;
      endpoints: ServiceEndpoints;
      /** `UseDevelopmentStorage=true`: the local emulator (Azurite) on the standard ports. */
      isDevelopmentStorage: boolean;
    }
  | {
      kind: 'identity';
      credential: TokenCredential;
      accountName?: string;
      endpoints: ServiceEndpoints;
      isDevelopmentStorage: false;
    };

/** The connection settings are missing or malformed; the message names the setting and the fix. */
export class StorageConfigurationError extends DurableRuntimeError {}

export function developmentConnectionString(ports: { blob: number; queue: number; table: number } = DEVELOPMENT_PORTS, host = '127.0.0.1'): string {
  const base = (port: number) => `http://${host}:${port}/${DEVELOPMENT_ACCOUNT.name}`;
  return (
    `DefaultEndpointsProtocol=http;AccountName=${DEVELOPMENT_ACCOUNT.name};AccountKey=${DEVELOPMENT_ACCOUNT.key};` +
    `BlobEndpoint=${base(ports.blob)};QueueEndpoint=${base(ports.queue)};TableEndpoint=${base(ports.table)};`
  );
}

/**
 * Resolves the connection named `connectionName`. An exact setting wins over prefixed ones, as in the host;
 * `AzureWebJobs<name>` is accepted for a bare name, as the host's connection lookup does.
 */
export function resolveStorageConnection(settings: AppSettings, connectionName = DEFAULT_CONNECTION_NAME): StorageConnection {
  const exact = settings[connectionName] ?? settings[`AzureWebJobs${connectionName}`];
  if (exact !== undefined && exact.trim() !== '') return parseConnectionString(exact, connectionName);
  const prefix = `${connectionName}__`;
  const section: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key.toLowerCase().startsWith(prefix.toLowerCase()) && value) section[key.slice(prefix.length).toLowerCase()] = value;
  }
  if (Object.keys(section).length > 0) return identityConnection(section, connectionName);
  throw new StorageConfigurationError(
    `The storage connection '${connectionName}' is not configured. Set ${connectionName} to a storage account connection string ` +
      `(UseDevelopmentStorage=true for Azurite), or for an identity-based connection set ${connectionName}__accountName ` +
      `(or ${connectionName}__tableServiceUri, __queueServiceUri and __blobServiceUri) in local.settings.json or the environment.`,
  );
}

function parseConnectionString(text: string, connectionName: string): StorageConnection {
  const parts = new Map<string, string>();
  for (const segment of text.split(';')) {
    const trimmed = segment.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw malformed(connectionName, `'${trimmed.slice(0, 40)}' is not a key=value pair`);
    parts.set(trimmed.slice(0, eq).toLowerCase(), trimmed.slice(eq + 1));
  }
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    const proxy = parts.get('developmentstorageproxyuri');
    const host = proxy ? new URL(proxy).hostname : '127.0.0.1';
    const connectionString = developmentConnectionString(DEVELOPMENT_PORTS, host);
    return {
      kind: 'connectionString',
      connectionString,
      accountName: DEVELOPMENT_ACCOUNT.name,
      endpoints: endpointsOf(parseConnectionStringEndpoints(connectionString)),
      isDevelopmentStorage: true,
    };
  }
  const accountName = parts.get('accountname');
  const hasCredential = parts.has('accountkey') || parts.has('sharedaccesssignature');
  if (!hasCredential) throw malformed(connectionName, 'it has neither AccountKey nor SharedAccessSignature');
  const explicit = parseConnectionStringEndpoints(text);
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
  const service = (name: 'blob' | 'queue' | 'table') => {
    if (explicit[name]) return explicit[name];
    if (!accountName) throw malformed(connectionName, `it has neither AccountName nor ${name[0].toUpperCase()}${name.slice(1)}Endpoint`);
    return `${protocol}://${accountName}.${name}.${suffix}`;
  };
  const endpoints = { blob: service('blob'), queue: service('queue'), table: service('table') };
  const name = accountName ?? new URL(endpoints.table).hostname.split('.')[0];
  const rebuilt = [...parts.entries()]
    .filter(([key]) => !key.endsWith('endpoint'))
    .map(([key, value]) => `${canonicalKey(key)}=${value}`)
    .concat([`BlobEndpoint=${endpoints.blob}`, `QueueEndpoint=${endpoints.queue}`, `TableEndpoint=${endpoints.table}`])
    .join(';');
  const isDevelopmentStorage = name === DEVELOPMENT_ACCOUNT.name;
  return { kind: 'connectionString', connectionString: rebuilt, accountName: name, endpoints, isDevelopmentStorage };
}

function parseConnectionStringEndpoints(text: string): Partial<ServiceEndpoints> {
  const result: Partial<ServiceEndpoints> = {};
  for (const segment of text.split(';')) {
    const eq = segment.indexOf('=');
    const key = segment.slice(0, eq).trim().toLowerCase();
    const value = segment.slice(eq + 1).trim().replace(/\/+$/, '');
    if (key === 'blobendpoint') result.blob = value;
    if (key === 'queueendpoint') result.queue = value;
    if (key === 'tableendpoint') result.table = value;
  }
  return result;
}

function endpointsOf(partial: Partial<ServiceEndpoints>): ServiceEndpoints {
  return { blob: partial.blob ?? '', queue: partial.queue ?? '', table: partial.table ?? '' };
}

const CANONICAL_KEYS: Record<string, string> = {
  defaultendpointsprotocol: 'DefaultEndpointsProtocol',
  accountname: 'AccountName',
  accountkey: 'AccountKey',
  endpointsuffix: 'EndpointSuffix',
  sharedaccesssignature: 'SharedAccessSignature',
};

function canonicalKey(key: string): string {
  return CANONICAL_KEYS[key] ?? key;
}

function identityConnection(section: Record<string, string>, connectionName: string): StorageConnection {
  const accountName = section.accountname;
  const uri = (name: 'blob' | 'queue' | 'table'): string => {
    const explicit = section[`${name}serviceuri`] ?? (name === 'blob' ? section.serviceuri : undefined);
    if (explicit) return explicit.replace(/\/+$/, '');
    if (accountName) return `https://${accountName}.${name}.core.windows.net`;
    throw new StorageConfigurationError(
      `The identity-based storage connection '${connectionName}' has no ${name} endpoint: set ${connectionName}__${name}ServiceUri ` +
        `(https://<account>.${name}.core.windows.net) or ${connectionName}__accountName.`,
    );
  };
  const endpoints = { blob: uri('blob'), queue: uri('queue'), table: uri('table') };
  return { kind: 'identity', credential: credentialOf(section), accountName, endpoints, isDevelopmentStorage: false };
}

/** `__credential=managedidentity` (+ `__clientId`) → managed identity; a client secret → that app; else the default chain. */
function credentialOf(section: Record<string, string>): TokenCredential {
  const clientId = section.clientid;
  if (section.credential?.toLowerCase() === 'managedidentity') {
    return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  }
  if (section.tenantid && clientId && section.clientsecret) {
    return new ClientSecretCredential(section.tenantid, clientId, section.clientsecret);
  }
  return new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
}

function malformed(connectionName: string, detail: string): StorageConfigurationError {
  return new StorageConfigurationError(
    `The storage connection string in '${connectionName}' is malformed: ${detail}. Expected ` +
      `'DefaultEndpointsProtocol=https;AccountName=<name>;AccountKey=<key>;EndpointSuffix=core.windows.net' or 'UseDevelopmentStorage=true'.`,
  );
}
