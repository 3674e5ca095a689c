// Connections resolved as the Functions host does (specs/azure-deployment.md §3.1–3.2).

import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { StorageConfigurationError, resolveStorageConnection } from '../../../../src/backends/azure-storage/storage-connection';

test('UseDevelopmentStorage=true means Azurite on 10000–10002 with the well-known account', () => {
  const connection = resolveStorageConnection({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
  expect(connection).toMatchObject({
    kind: 'connectionString',
    accountName: 'devstoreaccount1',
    isDevelopmentStorage: true,
    endpoints: {
      blob: 'http://127.0.0.1:10000/devstoreaccount1',
      queue: 'http://127.0.0.1:10001/devstoreaccount1',
      table: 'http://127.0.0.1:10002/devstoreaccount1',
    },
  });
});

test('an account connection string gets the standard endpoints from AccountName and EndpointSuffix', () => {
  const connection = resolveStorageConnection({
    AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net',
  });
  expect(connection.endpoints).toEqual({
    blob: 'https://acct.blob.core.windows.net',
    queue: 'https://acct.queue.core.windows.net',
    table: 'https://acct.table.core.windows.net',
  });
  expect(connection.kind === 'connectionString' && connection.connectionString).toContain('AccountKey=a2V5');
});

test('storageProvider.connectionName picks another setting; an exact setting wins over prefixed ones', () => {
  const connection = resolveStorageConnection(
    { Durable: 'UseDevelopmentStorage=true', Durable__accountName: 'ignored', AzureWebJobsStorage: 'broken' },
    'Durable',
  );
  expect(connection.isDevelopmentStorage).toBe(true);
});

test('identity-based: __accountName gives the three service URIs and the default credential chain', () => {
  const connection = resolveStorageConnection({ AzureWebJobsStorage__accountName: 'acct' });
  expect(connection).toMatchObject({ kind: 'identity', endpoints: { queue: 'https://acct.queue.core.windows.net' } });
  expect(connection.kind === 'identity' && connection.credential).toBeInstanceOf(DefaultAzureCredential);
});

test('identity-based: explicit service URIs and __credential=managedidentity with __clientId', () => {
  const connection = resolveStorageConnection({
    DurableStorage__blobServiceUri: 'https://x.blob.core.windows.net/',
    DurableStorage__queueServiceUri: 'https://x.queue.core.windows.net/',
    DurableStorage__tableServiceUri: 'https://x.table.core.windows.net/',
    DurableStorage__credential: 'managedidentity',
    DurableStorage__clientId: '00000000-0000-0000-0000-000000000001',
  }, 'DurableStorage');
  expect(connection.endpoints.table).toBe('https://x.table.core.windows.net');
  expect(connection.kind === 'identity' && connection.credential).toBeInstanceOf(ManagedIdentityCredential);
});

test('identity-based: tenant, client id and secret make a client-secret credential (local development)', () => {
  const connection = resolveStorageConnection({
    AzureWebJobsStorage__accountName: 'acct',
    AzureWebJobsStorage__tenantId: 't',
    AzureWebJobsStorage__clientId: 'c',
    AzureWebJobsStorage__clientSecret: 's',
  });
  expect(connection.kind === 'identity' && connection.credential).toBeInstanceOf(ClientSecretCredential);
});

test.each([
  [{}, /connection 'AzureWebJobsStorage' is not configured.*UseDevelopmentStorage=true/],
  [{ AzureWebJobsStorage: 'AccountName=acct' }, /malformed: it has neither AccountKey nor SharedAccessSignature/],
  [{ AzureWebJobsStorage: 'garbage' }, /malformed: 'garbage' is not a key=value pair/],
  [{ AzureWebJobsStorage__queueServiceUri: 'https://x.queue.core.windows.net' }, /has no blob endpoint: set AzureWebJobsStorage__blobServiceUri/],
])('bad settings %j give one clear error naming the setting', (settings, message) => {
  expect(() => resolveStorageConnection(settings)).toThrow(StorageConfigurationError);
  expect(() => resolveStorageConnection(settings)).toThrow(message);
});
